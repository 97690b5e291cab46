import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import { renderShelf } from '../ui/index';
import { DWELL_MS } from '../ui/use-impressions';
import { clearSlot, reserveSlot, SHELF_HEIGHT } from './reserve';
import { $$, cleanup, frame, items, makeHost } from '../ui/test-fixtures';

beforeAll(() => page.viewport(1000, 700));
afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

const height = (el: Element) => el.getBoundingClientRect().height;
/** Two animation frames: the second starts only after the first frame's layout was painted. */
const painted = async () => {
  await frame();
  await frame();
};
const THEME =
  '--shelfwise-card-width:260px;--shelfwise-gap:28px;--shelfwise-radius:0;' +
  '--shelfwise-font:Georgia,serif;--shelfwise-bg:#111;--shelfwise-text:#eee';

/** Layout shifts Chromium records while `act` runs (the real CLS input). */
async function shifts(act: () => void | Promise<void>): Promise<number> {
  let total = 0;
  const po = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { value: number })[]) total += e.value;
  });
  po.observe({ type: 'layout-shift' });
  await act();
  await painted();
  po.takeRecords().forEach((e) => (total += (e as PerformanceEntry & { value: number }).value));
  po.disconnect();
  return total;
}

describe('reserveSlot', () => {
  it('attaches an open shadow root with a skeleton of the final height', () => {
    const host = makeHost();
    const root = reserveSlot(host, { count: 5 });
    expect(root).toBe(host.shadowRoot);
    expect(root.mode).toBe('open');
    expect($$(host, '.sk i')).toHaveLength(5);
    expect($$(host, '.sk')[0].getAttribute('aria-hidden')).toBe('true');
    expect(height(host)).toBe(SHELF_HEIGHT);
    expect(root.adoptedStyleSheets.length).toBe(1);
  });

  it('reuses the root, and leaves a shown shelf alone', () => {
    const host = makeHost();
    const root = reserveSlot(host, { count: 3 });
    renderShelf(root, { slot: 's', items: items(3) });
    const card = $$(host, 'a.c')[0];
    expect(reserveSlot(host, { count: 8 })).toBe(root);
    expect($$(host, 'a.c')[0]).toBe(card);
    expect($$(host, '.sk')).toHaveLength(0);
    expect(root.adoptedStyleSheets.length).toBe(2); // base + shelf, never duplicated
  });

  it('clamps a nonsense count', () => {
    expect($$(reserveHost(NaN), '.sk i')).toHaveLength(1);
    expect($$(reserveHost(-3), '.sk i')).toHaveLength(1);
    expect($$(reserveHost(1e6), '.sk i')).toHaveLength(20);
  });

  for (const [name, style] of [
    ['unthemed', ''],
    ['themed', THEME],
    ['narrow', 'width:320px'],
  ]) {
    it(`reserves exactly the rendered height (${name})`, async () => {
      const host = makeHost(style);
      const root = reserveSlot(host, { count: 8 });
      const before = host.getBoundingClientRect();
      const long = items(8).map((it, i) => (i % 2 ? { ...it, item_name: it.item_name!.repeat(6), item_brand: undefined } : { ...it, price: undefined }));
      renderShelf(root, { slot: 's', title: 'A very long title '.repeat(10), items: long });
      await frame();
      const after = host.getBoundingClientRect();
      expect(after.height).toBe(before.height);
      expect(after.height).toBe(SHELF_HEIGHT);
      expect(after.top).toBe(before.top);
      // The content really fills the box (no silent clipping of the cards).
      const card = $$(host, 'a.c')[0].getBoundingClientRect();
      expect(card.bottom).toBeLessThanOrEqual(after.bottom);
      expect(card.height).toBeGreaterThan(250);
      // And the shelf's own parts add up to exactly the reserved box: nothing is cut off.
      const section = $$(host, 'section')[0];
      expect(section.scrollHeight).toBe(SHELF_HEIGHT);
      expect(section.clientHeight).toBe(SHELF_HEIGHT);
    });
  }

  it('makes rendering cause no layout shift, which rendering unreserved would', async () => {
    const reserved = makeHost();
    const below = document.createElement('p');
    below.textContent = 'Merchant content below the shelf';
    document.body.appendChild(below);
    const root = reserveSlot(reserved, { count: 8 });
    await painted(); // a shift only counts against what was on screen
    expect(await shifts(() => renderShelf(root, { slot: 's', title: 'For you', items: items(8) }))).toBe(0);

    // Control: the same render into a slot that reserved nothing does shift the page.
    const bare = makeHost();
    document.body.appendChild(below);
    await painted();
    const bareRoot = bare.attachShadow({ mode: 'open' });
    expect(await shifts(() => renderShelf(bareRoot, { slot: 's', items: items(8) }))).toBeGreaterThan(0);
    below.remove();
  });
});

describe('clearSlot', () => {
  it('unmounts the shelf and collapses the slot to nothing', async () => {
    // The dwell clock is fake; frames, and so the IntersectionObserver, stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = makeHost();
    const root = reserveSlot(host, { count: 8 });
    const seen: string[] = [];
    renderShelf(root, { slot: 's', items: items(8), onImpression: (it) => seen.push(it.item_id) });
    await frame();
    await frame(); // the observer has seen the cards: their dwell timers are running
    const disconnect = vi.spyOn(IntersectionObserver.prototype, 'disconnect');
    clearSlot(host);
    expect(disconnect).toHaveBeenCalled(); // Preact really unmounted: observers are released
    disconnect.mockRestore();
    expect(height(host)).toBe(0);
    expect(root.childNodes).toHaveLength(0);
    vi.advanceTimersByTime(2 * DWELL_MS);
    expect(seen).toEqual([]); // the cards were visible: only an unmounted shelf stays quiet

    // The slot can be reserved and rendered again afterwards, and then it counts.
    renderShelf(reserveSlot(host, { count: 2 }), { slot: 's', items: items(2), onImpression: (it) => seen.push(it.item_id) });
    expect($$(host, 'a.c')).toHaveLength(2);
    expect(height(host)).toBe(SHELF_HEIGHT);
    await frame();
    await frame();
    vi.advanceTimersByTime(2 * DWELL_MS);
    expect(seen).toEqual(['p1', 'p2']);
  });

  it('collapses a skeleton, and ignores a host without a root', () => {
    const host = makeHost();
    reserveSlot(host, { count: 3 });
    clearSlot(host);
    expect(height(host)).toBe(0);
    expect(() => clearSlot(makeHost())).not.toThrow();
  });
});

describe('without adoptedStyleSheets', () => {
  it('falls back to <style> elements, base first, with the same geometry', async () => {
    const host = makeHost();
    const root = host.attachShadow({ mode: 'open' });
    Object.defineProperty(root, 'adoptedStyleSheets', { value: undefined });
    reserveSlot(host, { count: 4 });
    expect(height(host)).toBe(SHELF_HEIGHT);
    renderShelf(root, { slot: 's', items: items(4) });
    renderShelf(root, { slot: 's', items: items(3) });
    const styles = [...root.querySelectorAll('style')];
    expect(styles).toHaveLength(2);
    expect(styles[0].textContent).toContain(':host');
    expect(root.lastElementChild!.className).toBe('sw-m');
    expect(height(host)).toBe(SHELF_HEIGHT);
    expect(getComputedStyle($$(host, 'a.c')[0]).textDecorationLine).toBe('none');
  });
});

function reserveHost(count: number): HTMLElement {
  const host = makeHost();
  reserveSlot(host, { count });
  return host;
}
