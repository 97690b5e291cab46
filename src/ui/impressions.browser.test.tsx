import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import type { Candidate } from '../shared/types';
import { renderShelf } from './index';
import { reserveSlot } from '../loader/reserve';
import { DWELL_MS } from './use-impressions';
import { $$, cleanup, intersectionsSeen, items, makeHost } from './test-fixtures';

beforeAll(() => page.viewport(1000, 700));
// Real layout and a real IntersectionObserver; the dwell clock is fake, so each test says
// exactly how long a card stays in view.
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

// A 600px-wide slot shows cards 1–3 whole and 20px of card 4 (11%); cards 5–8 are scrolled
// out of the shelf.
function shelf(hostStyle = 'width:600px') {
  const host = makeHost(hostStyle);
  const root = reserveSlot(host, { count: 8 });
  const seen: [string, number][] = [];
  const props = { slot: 's', items: items(8), onImpression: (it: Candidate, i: number) => seen.push([it.item_id, i]) };
  renderShelf(root, props);
  return { host, root, seen, props, track: $$(host, '.tr')[0] };
}
/** The observer sees the layout as it is now, and then `ms` pass. */
async function stay(ms = DWELL_MS) {
  await intersectionsSeen();
  vi.advanceTimersByTime(ms);
}

describe('impressions', () => {
  it('counts cards at least half visible for 500 ms, and not the rest', async () => {
    const { seen } = shelf();
    await stay(DWELL_MS - 1);
    expect(seen).toEqual([]); // not yet: visible, but not for long enough
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([
      ['p1', 0],
      ['p2', 1],
      ['p3', 2],
    ]);
  });

  it('counts cards scrolled into view, once per item', async () => {
    const { seen, track } = shelf();
    await stay();
    track.scrollTo({ left: track.scrollWidth, behavior: 'instant' });
    await stay();
    track.scrollTo({ left: 0, behavior: 'instant' });
    await stay();
    // At the end (scrollLeft 932) p5 shows 20px of 180: it was never half visible, nor p4.
    expect(seen.map(([id]) => id).sort()).toEqual(['p1', 'p2', 'p3', 'p6', 'p7', 'p8']);
  });

  it('does not count a card that passes by in under 500 ms', async () => {
    const { seen, track } = shelf();
    await stay();
    track.scrollTo({ left: track.scrollWidth, behavior: 'instant' });
    await stay(DWELL_MS - 1);
    track.scrollTo({ left: 0, behavior: 'instant' });
    await stay();
    expect(seen.map(([id]) => id)).toEqual(['p1', 'p2', 'p3']);
  });

  it('counts nothing while the shelf is below the viewport', async () => {
    const spacer = makeHost('height:1500px');
    const { seen, host } = shelf();
    expect(spacer.getBoundingClientRect().bottom).toBeGreaterThan(innerHeight);
    await stay();
    expect(seen).toEqual([]);
    host.scrollIntoView({ block: 'center', behavior: 'instant' });
    await stay();
    expect(seen.map(([id]) => id)).toEqual(['p1', 'p2', 'p3']);
  });

  it('does not recount on a re-rank, but counts an item that comes back', async () => {
    const { seen, root, props } = shelf();
    await stay();
    const list = props.items;
    renderShelf(root, { ...props, items: [list[2], list[0], list[1], ...list.slice(3)] });
    await stay();
    expect(seen.map(([id]) => id)).toEqual(['p1', 'p2', 'p3']);
    renderShelf(root, { ...props, items: list.slice(1) }); // p1 leaves…
    await stay(); // …p4 slides fully into view
    renderShelf(root, { ...props, items: list }); // …and p1 comes back: a new showing
    await stay();
    expect(seen).toEqual([
      ['p1', 0],
      ['p2', 1],
      ['p3', 2],
      ['p4', 2],
      ['p1', 0],
    ]);
  });

  it('reports the position the card has when it is counted', async () => {
    const { seen, root, props } = shelf('width:600px');
    const list = props.items;
    renderShelf(root, { ...props, items: [list[4], ...list.slice(0, 4), ...list.slice(5)] });
    await stay();
    // Cards seen in the same instant may report in any order; the positions are what count.
    expect(seen.sort((a, b) => a[1] - b[1])).toEqual([
      ['p5', 0],
      ['p1', 1],
      ['p2', 2],
    ]);
  });
});
