// One product: a link carrying data-item-id, inside the APG "slide" group, with the shopper's
// controls over it ("Why this?", "Not interested"): buttons beside the link, never inside it.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Candidate, Explanation } from '../shared/types';
import { formatPrice, safeUrl, text } from './items';
import { CARD_WIDTH, IMAGE_HEIGHT } from '../loader/reserve';
import { format, type Messages } from './messages';
import type { Observe } from './use-impressions';
import { WhyPopover } from './why';

export interface CardProps {
  item: Candidate;
  /** 0-based index in the shelf, as reported to onSelect. */
  position: number;
  /** The slide's accessible label, e.g. "3 of 8". */
  label: string;
  messages: Messages;
  observe: Observe;
  onSelect(item: Candidate, position: number): void;
  /** Whether its "Why this?" popover is open (one at a time per shelf). */
  open: boolean;
  onWhy(open: boolean): void;
  explain?(item: Candidate): Promise<Explanation | null>;
  /** "Not interested"; absent when a dismissal could not be kept (no consent to store it). */
  onDismiss?(item: Candidate, position: number): void;
}

export function Card({ item, position, label, messages: m, observe, onSelect, open, onWhy, explain, onDismiss }: CardProps) {
  const link = useRef<HTMLAnchorElement>(null);
  const whyButton = useRef<HTMLButtonElement>(null);
  const [failedSrc, setFailedSrc] = useState('');
  // Cards are keyed by item_id, so the id is fixed for this card's lifetime. A layout
  // effect: watching starts as the card is shown and stops the moment it is removed.
  useLayoutEffect(() => observe(link.current!, item.item_id), []);

  const name = text(item.item_name);
  const brand = text(item.item_brand);
  const price = formatPrice(item.price, item.currency);
  const src = text(item.image);
  const alt = name || m.product;
  // Runs before the browser follows the link; navigation is never prevented.
  const select = (e: MouseEvent) => {
    if (e.type === 'click' || e.button === 1) onSelect(item, position);
  };
  const popId = `sw-why-${position}`;
  const close = (refocus: boolean) => {
    onWhy(false);
    if (refocus) whyButton.current?.focus();
  };

  return (
    <div class="sl" role="group" aria-roledescription="slide" aria-label={label}>
      <a class="c" ref={link} href={safeUrl(item.url)} data-item-id={item.item_id} onClick={select} onAuxClick={select}>
        <span class="im">
          {src && src !== failedSrc ? (
            <img src={src} alt={alt} width={CARD_WIDTH} height={IMAGE_HEIGHT} loading="lazy" onError={() => setFailedSrc(src)} />
          ) : (
            <svg class="ph" role="img" aria-label={alt} viewBox="0 0 24 24" stroke-width="1.5">
              <path d="M3 6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zm18 10-5-5-9 9M9 8a2 2 0 1 0 0 4 2 2 0 0 0 0-4" />
            </svg>
          )}
        </span>
        <span class="bd">
          {brand && <span class="br">{brand}</span>}
          {/* Hidden from assistive tech: the image's alt already names the product in the link. */}
          <span class="nm" aria-hidden="true">{name}</span>
          {price && <span class="pr">{price}</span>}
        </span>
      </a>
      <div class="ctl">
        <button type="button" class="why" ref={whyButton} aria-label={format(m.whyLabel, { name: alt })} aria-expanded={open} aria-controls={open ? popId : undefined} onClick={() => onWhy(!open)}>
          {m.why}
        </button>
        {onDismiss && (
          <button type="button" class="no" aria-label={format(m.notInterestedLabel, { name: alt })} title={m.notInterested} onClick={() => onDismiss(item, position)}>
            <svg viewBox="0 0 24 24" aria-hidden="true" stroke-width="2">
              <path d="M18 6 6 18M6 6l12 12" />
            </svg>
          </button>
        )}
      </div>
      {open && <WhyPopover id={popId} item={item} messages={m} explain={explain} onClose={close} />}
    </div>
  );
}
