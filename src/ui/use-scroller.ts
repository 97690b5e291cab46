// Scroll position state for the prev/next buttons, paging, and arrow-key focus movement.
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { nextIndex } from './keys';
import { scrollBehavior } from './motion';

export function useScroller(track: RefObject<HTMLElement | null>, items: unknown[]) {
  const [atStart, setAtStart] = useState(true);
  const [atEnd, setAtEnd] = useState(true);

  const update = () => {
    const t = track.current;
    if (!t) return;
    // scrollLeft runs negative in right-to-left pages.
    const x = Math.abs(t.scrollLeft);
    setAtStart(x <= 1);
    setAtEnd(x + t.clientWidth >= t.scrollWidth - 1);
  };
  useLayoutEffect(() => {
    // Scroll snapping follows the snapped card when a re-rank moves it; a shopper who has
    // not scrolled should see the new first items instead.
    if (atStart && track.current) track.current.scrollLeft = 0;
    // Before paint, so the buttons never flash the wrong state after a re-render.
    update();
  }, [items]);
  // Keyed on whether the track exists: a shelf first rendered empty gets it later.
  useEffect(() => {
    if (typeof ResizeObserver !== 'function' || !track.current) return;
    const ro = new ResizeObserver(update);
    ro.observe(track.current);
    return () => ro.disconnect();
  }, [items.length > 0]);

  /** Scrolls by as many whole cards as fit, so no card is ever skipped half-seen. */
  const page = (dir: 1 | -1) => {
    const t = track.current;
    const card = t?.firstElementChild as HTMLElement | null;
    if (!t || !card) return;
    const gap = parseFloat(getComputedStyle(t).columnGap) || 0;
    const step = card.offsetWidth + gap;
    const cards = Math.max(1, Math.floor((t.clientWidth + gap) / step));
    t.scrollBy({ left: dir * cards * step * (isRtl(t) ? -1 : 1), behavior: scrollBehavior() });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const t = track.current;
    if (!t || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return; // Alt+Left is "back"
    const links = [...t.querySelectorAll<HTMLElement>('a[href]')];
    const j = nextIndex(e.key, links.indexOf(e.target as HTMLElement), links.length, isRtl(t));
    if (j < 0) return;
    e.preventDefault();
    links[j].focus({ preventScroll: true });
    links[j].scrollIntoView({ behavior: scrollBehavior(), block: 'nearest', inline: 'nearest' });
  };

  return { atStart, atEnd, update, page, onKeyDown };
}

function isRtl(el: Element): boolean {
  return getComputedStyle(el).direction === 'rtl';
}
