// The carousel, after the WAI-ARIA APG pattern: a labelled region of "slide" groups with
// previous/next buttons. It never rotates by itself, and it has no live region: every card
// is in the DOM at once, and announcing each re-rank would only be noise. Each card carries
// the shopper's controls; a dismissed card is replaced in place and focus stays in that place.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { parseItem } from '../capture/item';
import { DISMISS_EVENT } from '../shared/events';
import type { Candidate, Explanation } from '../shared/types';
import { Card } from './card';
import type { Controls } from './controls';
import { dismiss, useDismissed } from './dismissals';
import { callSafely, warn } from './guard';
import { cleanItems, text } from './items';
import { messagesFor, type MessageKey } from './messages';
import { firstShown, refill } from './refill';
import { useImpressions } from './use-impressions';
import { useScroller } from './use-scroller';

/** A merchant's strings for this shelf, by message key (see messages.ts); bad values are ignored. */
export type ShelfLabels = Partial<Record<MessageKey, unknown>>;

export interface ShelfProps {
  slot: string;
  title?: string;
  /** Candidates in the order to show: the first `count` are shown, the next ones replace dismissed cards. */
  items: Candidate[];
  /** Cards shown; default all. */
  count?: number;
  /** `position` is the 0-based index in the shelf (GA4's `index`). */
  onImpression?(item: Candidate, position: number): void;
  /** Called on click (and middle click) before the browser follows the link. */
  onSelect?(item: Candidate, position: number): void;
  /** "Why this?" from the model; absent when the shelf is in the server's order (the reason is then
   *  the item's popularity). */
  explain?(item: Candidate): Promise<Explanation | null>;
  labels?: ShelfLabels;
  /** The shopper's controls (not interested, the data panel); without them the cards have only "Why this?". */
  controls?: Controls;
}

export function Shelf(props: ShelfProps) {
  const all = useMemo(() => cleanItems(props.items), [props.items]);
  const { controls } = props;
  const m = useMemo(
    () => messagesFor(controls?.lang || document.documentElement.lang, [...(controls?.labels ?? []), ['labels', props.labels]]),
    [controls, props.labels],
  );
  const gone = useDismissed();
  const count = props.count ?? all.length;
  // What is shown, by id: the first `count`, then dismissed ones replaced in place (refill.ts).
  const shownIds = useRef<{ all: Candidate[]; ids: readonly string[] } | null>(null);
  if (shownIds.current?.all !== all) shownIds.current = { all, ids: firstShown(all, count, gone) };
  shownIds.current.ids = refill(shownIds.current.ids, all, gone);
  const ids = shownIds.current.ids;
  const items = useMemo(() => {
    const byId = new Map(all.map((c) => [c.item_id, c]));
    return ids.map((id) => byId.get(id)!);
  }, [ids]);

  const title = text(props.title);
  const track = useRef<HTMLDivElement>(null);
  const { atStart, atEnd, update, page, onKeyDown } = useScroller(track, items);
  const [whyOpen, setWhyOpen] = useState<string | null>(null);
  const refocus = useRef<number | null>(null);

  // Callbacks read the latest props, so cards and the observer never need re-creating.
  const latest = useRef({ props, items });
  latest.current = { props, items };
  const observe = useImpressions((id) => {
    const { props, items } = latest.current;
    const i = items.findIndex((item) => item.item_id === id);
    if (i >= 0) callSafely(props.onImpression, items[i], i);
  });
  const select = (item: Candidate, i: number) => callSafely(latest.current.props.onSelect, item, i);
  const canDismiss = !!controls && consentGranted(controls);
  const onDismiss = (item: Candidate, i: number) => {
    refocus.current = i;
    setWhyOpen(null);
    dismiss(item.item_id);
    if (controls) keepDismissal(controls, props.slot, item).catch(warn);
  };
  // After a dismissal, focus stays in its place: on the replacement's "Not interested", else on
  // the card before it, else on the note that nothing is left.
  useLayoutEffect(() => {
    const at = refocus.current;
    if (at === null || !track.current) return;
    refocus.current = null;
    const slides = track.current.querySelectorAll('.sl');
    const slide = slides[Math.min(at, slides.length - 1)];
    (slide?.querySelector<HTMLElement>('.no') ?? slide?.querySelector<HTMLElement>('a') ?? track.current.querySelector<HTMLElement>('.em'))?.focus();
  }, [ids]);

  if (!all.length) return null;
  const slideLabel = (i: number) => m.slide.replace('{position}', String(i + 1)).replace('{total}', String(items.length));
  const openData = (e: MouseEvent) => {
    const button = e.currentTarget as HTMLElement;
    if (controls) void import('./panel').then((p) => p.openPanel(controls, { root: button.getRootNode() as ShadowRoot, returnFocus: button })).catch(warn);
  };

  return (
    <section class="sw" role="region" aria-roledescription="carousel" aria-label={title || m.carousel} data-slot={props.slot}>
      <div class="hd">
        {title && <h2 class="t">{title}</h2>}
        {controls && (
          <button type="button" class="yd" aria-haspopup="dialog" onClick={openData} onPointerEnter={preloadPanel} onFocus={preloadPanel}>
            {m.yourData}
          </button>
        )}
        <div class="nav">
          <NavButton label={m.prev} disabled={atStart} onPress={() => page(-1)} d="m15 18-6-6 6-6" />
          <NavButton label={m.next} disabled={atEnd} onPress={() => page(1)} d="m9 18 6-6-6-6" />
        </div>
      </div>
      <div class="tr" id="sw-tr" ref={track} onScroll={update} onKeyDown={onKeyDown}>
        {items.map((item, i) => (
          <Card
            key={item.item_id}
            item={item}
            position={i}
            label={slideLabel(i)}
            messages={m}
            observe={observe}
            onSelect={select}
            open={whyOpen === item.item_id}
            onWhy={(open) => setWhyOpen(open ? item.item_id : null)}
            explain={props.explain}
            onDismiss={canDismiss ? onDismiss : undefined}
          />
        ))}
        {!items.length && (
          <p class="em" tabIndex={-1}>
            {m.nothingLeft}
          </p>
        )}
      </div>
    </section>
  );
}

/** The panel's code, fetched when the shopper heads for the link, so that it opens at once. */
function preloadPanel() {
  import('./panel').catch(() => {});
}

function consentGranted(controls: Controls): boolean {
  try {
    return controls.consent().state === 'granted';
  } catch (error) {
    warn(error);
    return false;
  }
}

/** Stored at once (not batched): the shopper may leave the page right after. */
async function keepDismissal(controls: Controls, slot: string, item: Candidate): Promise<void> {
  const fields = parseItem(item);
  if (!fields || !consentGranted(controls)) return;
  await (await controls.store()).add([{ ...fields, type: DISMISS_EVENT, slot, ts: Date.now(), source: 'widget' }]);
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
