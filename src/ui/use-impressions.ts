// An impression is a card at least half inside the viewport (after every clipping ancestor,
// so a card scrolled out of the shelf does not count) for DWELL_MS while the tab is visible.
// Each mounted card reports at most once: reordering keeps the card mounted, so a re-rank
// does not recount it, while an item that leaves and comes back is a new showing.
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';

const VISIBLE_RATIO = 0.5;
export const DWELL_MS = 500;

/** Starts watching a card; the returned function stops (call it when the card unmounts). */
export type Observe = (card: Element, itemId: string) => () => void;

interface Watch {
  id: string;
  timer?: ReturnType<typeof setTimeout>;
}

function impressionTracker(report: (itemId: string) => void) {
  const cards = new Map<Element, Watch>();
  let io: IntersectionObserver | undefined;

  const forget = (card: Element) => {
    clearTimeout(cards.get(card)?.timer);
    cards.delete(card);
    io?.unobserve(card);
  };
  const arm = (card: Element, watch: Watch) => {
    watch.timer = setTimeout(() => {
      // A background tab shows nothing: keep waiting until it is visible again.
      if (document.hidden) return arm(card, watch);
      forget(card);
      if (card.isConnected) report(watch.id);
    }, DWELL_MS);
  };
  const onEntries = (entries: IntersectionObserverEntry[]) => {
    for (const entry of entries) {
      const watch = cards.get(entry.target);
      if (!watch) continue;
      if (entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO) {
        if (!watch.timer) arm(entry.target, watch);
      } else {
        clearTimeout(watch.timer);
        watch.timer = undefined;
      }
    }
  };

  const observe: Observe = (card, id) => {
    if (typeof IntersectionObserver !== 'function') return () => {};
    io ??= new IntersectionObserver(onEntries, { threshold: VISIBLE_RATIO });
    cards.set(card, { id });
    io.observe(card);
    return () => forget(card);
  };
  const disconnect = () => {
    cards.forEach((watch) => clearTimeout(watch.timer));
    cards.clear();
    io?.disconnect();
  };
  return { observe, disconnect };
}

/**
 * One observer per shelf; `report` may change between renders, the observer does not.
 * A layout effect because Preact defers plain effect cleanups past unmount, and a shelf
 * cleared on consent denial must stop reporting at once.
 */
export function useImpressions(report: (itemId: string) => void): Observe {
  const latest = useRef(report);
  latest.current = report;
  const tracker = useMemo(() => impressionTracker((id) => latest.current(id)), []);
  useLayoutEffect(() => tracker.disconnect, []);
  return tracker.observe;
}
