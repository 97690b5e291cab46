// The carousel, after the WAI-ARIA APG pattern: a labelled region of "slide" groups with
// previous/next buttons. It never rotates by itself, and it has no live region: every card
// is in the DOM at once, and announcing each re-rank would only be noise.
import { useMemo, useRef } from 'preact/hooks';
import type { Candidate } from '../shared/types';
import { Card } from './card';
import { callSafely } from './guard';
import { cleanItems, text } from './items';
import { useImpressions } from './use-impressions';
import { useScroller } from './use-scroller';

export interface ShelfLabels {
  /** Region name when there is no title. */
  carousel?: string;
  prev?: string;
  next?: string;
  /** Slide label template; `{position}` is 1-based. */
  slide?: string;
  /** Image alt text for an item without a name. */
  product?: string;
}

export interface ShelfProps {
  slot: string;
  title?: string;
  items: Candidate[];
  /** `position` is the 0-based index in `items` (GA4's `index`). */
  onImpression?(item: Candidate, position: number): void;
  /** Called on click (and middle click) before the browser follows the link. */
  onSelect?(item: Candidate, position: number): void;
  labels?: ShelfLabels;
}

const LABELS: Required<ShelfLabels> = {
  carousel: 'Recommended products',
  prev: 'Previous products',
  next: 'Next products',
  slide: '{position} of {total}',
  product: 'Product',
};

export function Shelf(props: ShelfProps) {
  const items = useMemo(() => cleanItems(props.items), [props.items]);
  // Label by label, so a config with a missing or non-string entry keeps the default.
  const label = (key: keyof ShelfLabels) => text(props.labels?.[key]) || LABELS[key];
  const title = text(props.title);
  const track = useRef<HTMLDivElement>(null);
  const { atStart, atEnd, update, page, onKeyDown } = useScroller(track, items);

  // Callbacks read the latest props, so cards and the observer never need re-creating.
  const latest = useRef({ props, items });
  latest.current = { props, items };
  const observe = useImpressions((id) => {
    const { props, items } = latest.current;
    const i = items.findIndex((item) => item.item_id === id);
    if (i >= 0) callSafely(props.onImpression, items[i], i);
  });
  const select = (item: Candidate, i: number) => callSafely(latest.current.props.onSelect, item, i);

  if (!items.length) return null;
  const product = label('product');
  const slideLabel = (i: number) => label('slide').replace('{position}', String(i + 1)).replace('{total}', String(items.length));

  return (
    <section class="sw" role="region" aria-roledescription="carousel" aria-label={title || label('carousel')} data-slot={props.slot}>
      <div class="hd">
        {title && <h2 class="t">{title}</h2>}
        <div class="nav">
          <NavButton label={label('prev')} disabled={atStart} onPress={() => page(-1)} d="m15 18-6-6 6-6" />
          <NavButton label={label('next')} disabled={atEnd} onPress={() => page(1)} d="m9 18 6-6-6-6" />
        </div>
      </div>
      <div class="tr" id="sw-tr" ref={track} onScroll={update} onKeyDown={onKeyDown}>
        {items.map((item, i) => (
          <Card key={item.item_id} item={item} position={i} label={slideLabel(i)} fallbackName={product} observe={observe} onSelect={select} />
        ))}
      </div>
    </section>
  );
}

interface NavButtonProps {
  label: string;
  disabled: boolean;
  onPress(): void;
  d: string;
}

// aria-disabled rather than disabled: a button that disables itself under the keyboard
// user's focus (paging to the end) would otherwise drop focus to <body>.
function NavButton({ label, disabled, onPress, d }: NavButtonProps) {
  return (
    <button type="button" class="b" aria-label={label} aria-controls="sw-tr" aria-disabled={disabled} onClick={() => disabled || onPress()}>
      <svg viewBox="0 0 24 24" aria-hidden="true" stroke-width="2">
        <path d={d} />
      </svg>
    </button>
  );
}
