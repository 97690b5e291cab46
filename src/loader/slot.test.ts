import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Candidate } from '../shared/types';
import type { Host } from '../ui/host';
import { runSlot, type SlotDeps, type UiModule } from './slot';

const items = (...ids: string[]): Candidate[] => ids.map((id) => ({ item_id: id, item_name: `Item ${id}` }));

/** Just what runSlot reads of a slot element: its data-* attributes and an inline JSON script. */
function slotElement(data: Record<string, string>, inline?: string): HTMLElement {
  return {
    dataset: data,
    querySelector: (selector: string) => (inline !== undefined && selector === 'script[type="application/json"]' ? { textContent: inline } : null),
  } as unknown as HTMLElement;
}
const inline = (...ids: string[]) => JSON.stringify({ items: items(...ids) });

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
/** The candidates in the order of these ids (what the ranking chunk answers). */
const ordered = (ids: string[]) => (_key: string, c: Candidate[]) => ids.map((id) => c.find((x) => x.item_id === id)!);

const host = { labels: [] } as unknown as Host;

function harness(overrides: Partial<SlotDeps> = {}) {
  const root = { id: 'shadow-root' } as unknown as ShadowRoot;
  const renders: { slot: string; title?: string; ids: string[]; explain?: unknown }[] = [];
  const ui: UiModule = {
    visible: async (_host, c) => c,
    command: async () => {},
    renderShelf(into, props) {
      expect(into).toBe(root);
      // Every candidate goes to the shelf, in order; it shows the first `count`.
      expect(props.host).toBe(host);
      renders.push({ slot: props.slot, title: props.title, ids: props.items.slice(0, props.count).map((c) => c.item_id), explain: props.explain });
      props.onImpression?.(props.items[0], 0);
      props.onSelect?.(props.items[0], 0);
    },
  };
  const deps = {
    endpoint: null,
    limit: 50,
    budgetMs: 1000,
    personalize: vi.fn(async () => true),
    rank: vi.fn(async (_key: string, c: Candidate[]) => c.slice().reverse()),
    cached: vi.fn(async (): Promise<Candidate[] | null> => null),
    explain: vi.fn(async () => null),
    visible: vi.fn(async (c: Candidate[]) => c),
    host,
    ui: vi.fn(async () => ui),
    onImpression: vi.fn(),
    onSelect: vi.fn(),
    shown: vi.fn(),
    warn: vi.fn(),
    reserve: vi.fn(() => root),
    clear: vi.fn(),
    ...overrides,
  } satisfies SlotDeps;
  return { deps, renders };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('runSlot', () => {
  test('the shelf is measured from when its candidates are in hand: waiting for the dismissed list counts, as the order does', async () => {
    const { deps } = harness({ visible: vi.fn((c: Candidate[]) => after(40, c)), rank: vi.fn((_k: string, c: Candidate[]) => after(10, c)) });
    const t0 = performance.now();
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b')), deps);
    await vi.advanceTimersByTimeAsync(50);
    await handle.done;
    expect(deps.shown).toHaveBeenCalledWith('home', 'model', t0, t0 + 50);
    expect(performance.now() - t0).toBe(50);
  });

  test("'model': a ranking within the budget orders the shelf, cut to the slot's count", async () => {
    const { deps, renders } = harness({ rank: vi.fn((_k: string, c: Candidate[]) => after(300, c.slice().reverse())) });
    const el = slotElement({ shelfwiseSlot: 'home', shelfwiseCount: '2', shelfwiseTitle: 'For you' }, inline('a', 'b', 'c'));
    const handle = runSlot(el, deps);
    expect(deps.reserve).toHaveBeenCalledWith(el, { count: 2 });
    await vi.advanceTimersByTimeAsync(300);
    expect(await handle.done).toEqual({ slot: 'home', source: 'model', shown: ['c', 'b'], ms: 300 });
    expect(renders).toEqual([{ slot: 'home', title: 'For you', ids: ['c', 'b'], explain: deps.explain }]);
    expect(deps.rank).toHaveBeenCalledWith('home', items('a', 'b', 'c'), []);
    expect(deps.cached).not.toHaveBeenCalled();
    expect(deps.clear).not.toHaveBeenCalled();
  });

  test('leaves dismissed candidates out before ranking; the shelf gets every other one, to replace a dismissed card', async () => {
    const all: Candidate[][] = [];
    const { deps } = harness({ visible: vi.fn(async (c: Candidate[]) => c.filter((x) => x.item_id !== 'b')) });
    const ui = await deps.ui();
    vi.spyOn(ui, 'renderShelf').mockImplementation((_root, props) => void all.push(props.items));
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home', shelfwiseCount: '1' }, inline('a', 'b', 'c')), deps);
    expect(await handle.done).toMatchObject({ source: 'model', shown: ['c'] });
    expect(deps.rank).toHaveBeenCalledWith('home', items('a', 'c'), []);
    expect(all.map((list) => list.map((c) => c.item_id))).toEqual([['c', 'a']]);
  });

  test('ranks a product page slot under its context item', async () => {
    const { deps } = harness();
    const handle = runSlot(slotElement({ shelfwiseSlot: 'similar', shelfwiseContextItem: 'sku9' }, inline('a', 'b')), deps);
    expect((await handle.done).source).toBe('model');
    expect(deps.rank).toHaveBeenCalledWith('similar@sku9', expect.any(Array), []);
  });

  test('a cross-sell slot ranks with its context items and never offers one of them', async () => {
    const { deps } = harness();
    const el = slotElement({ shelfwiseSlot: 'cross-sell', shelfwiseContextItems: ' b, d ,b,,' }, inline('a', 'b', 'c'));
    const handle = runSlot(el, deps);
    expect(await handle.done).toMatchObject({ source: 'model', shown: ['c', 'a'] });
    expect(deps.rank).toHaveBeenCalledWith('cross-sell@b,d', items('a', 'c'), ['b', 'd']);
  });

  test("'cache': a ranking slower than the budget gives way to the previous page's scores, and never re-orders", async () => {
    const { deps, renders } = harness({
      budgetMs: 500,
      rank: vi.fn((_k: string, c: Candidate[]) => after(2000, c.slice().reverse())),
      cached: vi.fn(async (k: string, c: Candidate[]) => ordered(['b', 'a', 'c'])(k, c)),
    });
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b', 'c')), deps);
    await vi.advanceTimersByTimeAsync(499);
    expect(renders).toEqual([]); // still within the budget: the skeleton stays
    await vi.advanceTimersByTimeAsync(1);
    expect(await handle.done).toEqual({ slot: 'home', source: 'cache', shown: ['b', 'a', 'c'], ms: 500 });
    expect(deps.cached).toHaveBeenCalledWith('home', items('a', 'b', 'c'));
    await vi.advanceTimersByTimeAsync(2000); // the late ranking arrives
    expect(renders.map((r) => r.ids)).toEqual([['b', 'a', 'c']]);
  });

  test("'server': a slow ranking with no usable cache shows the server's order at the budget", async () => {
    const { deps, renders } = harness({
      budgetMs: 500,
      rank: vi.fn((_k: string, c: Candidate[]) => after(600, c.slice().reverse())),
      cached: vi.fn(async () => null), // none, or too few of these candidates
    });
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b', 'c')), deps);
    await vi.advanceTimersByTimeAsync(500);
    expect(await handle.done).toEqual({ slot: 'home', source: 'server', shown: ['a', 'b', 'c'], ms: 500 });
    expect(renders.map((r) => r.ids)).toEqual([['a', 'b', 'c']]);
  });

  test("'server': without consent or history nothing is ranked or read", async () => {
    const { deps, renders } = harness({ personalize: vi.fn(async () => false) });
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b')), deps);
    expect(await handle.done).toEqual({ slot: 'home', source: 'server', shown: ['a', 'b'], ms: 0 });
    expect(deps.rank).not.toHaveBeenCalled();
    expect(deps.cached).not.toHaveBeenCalled();
    expect(renders).toHaveLength(1);
  });

  test('a failing personalize check counts as no', async () => {
    const { deps } = harness({ personalize: vi.fn(() => Promise.reject(new Error('store blocked'))) });
    expect((await runSlot(slotElement({}, inline('a')), deps).done).source).toBe('server');
    expect(deps.rank).not.toHaveBeenCalled();
  });

  test('a failing ranking is reported and falls back at once, without waiting for the budget', async () => {
    const broken = new Error('worker failed');
    const { deps } = harness({ budgetMs: 5000, rank: vi.fn(() => Promise.reject(broken)), cached: vi.fn(async (k: string, c: Candidate[]) => ordered(['b', 'a'])(k, c)) });
    const status = await runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b')), deps).done;
    expect(status).toEqual({ slot: 'home', source: 'cache', shown: ['b', 'a'], ms: 0 });
    expect(deps.warn).toHaveBeenCalledWith(broken);
  });

  test('a failing cache read falls back to the server order', async () => {
    const { deps } = harness({ budgetMs: 10, rank: vi.fn((_k: string, c: Candidate[]) => after(100, c)), cached: vi.fn(() => Promise.reject(new Error('closed'))) });
    const handle = runSlot(slotElement({}, inline('a')), deps);
    await vi.advanceTimersByTimeAsync(10);
    expect((await handle.done).source).toBe('server');
  });

  test("'error': bad inline candidates collapse the slot and say why", async () => {
    const { deps, renders } = harness();
    const el = slotElement({ shelfwiseSlot: 'home' }, '{"products": []}');
    const status = await runSlot(el, deps).done;
    expect(status).toEqual({ slot: 'home', source: 'error', shown: [], ms: 0, error: 'candidates: expected {"items": [...]}' });
    expect(deps.clear).toHaveBeenCalledWith(el);
    expect(renders).toEqual([]);
    expect(deps.shown).not.toHaveBeenCalled();
  });

  test("'error': an endpoint that fails", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 503 })));
    const { deps } = harness({ endpoint: 'https://shop.example/api/candidates' });
    const status = await runSlot(slotElement({ shelfwiseSlot: 'home' }), deps).done;
    expect(status).toMatchObject({ source: 'error', error: 'candidates: /api/candidates answered 503' });
    expect(deps.clear).toHaveBeenCalled();
  });

  test('fetches from the endpoint with the slot, the limit and the context item only', async () => {
    const fetch = vi.fn<(url: URL) => Promise<Response>>(async () => Response.json({ items: items('x', 'y') }));
    vi.stubGlobal('fetch', fetch);
    const { deps } = harness({ endpoint: 'https://shop.example/api/candidates', limit: 20, personalize: vi.fn(async () => false) });
    const status = await runSlot(slotElement({ shelfwiseSlot: 'similar', shelfwiseContextItem: 'sku1' }), deps).done;
    expect(status.shown).toEqual(['x', 'y']);
    expect(String(fetch.mock.calls[0][0])).toBe('https://shop.example/api/candidates?slot=similar&limit=20&context_item=sku1');
  });

  test('sends a cross-sell slot\'s context items, at most 20, and shows none of them in the server\'s order', async () => {
    const fetch = vi.fn<(url: URL) => Promise<Response>>(async () => Response.json({ items: items('x', 'c1', 'y') }));
    vi.stubGlobal('fetch', fetch);
    const { deps } = harness({ endpoint: 'https://shop.example/api/candidates', limit: 20, personalize: vi.fn(async () => false) });
    const cart = Array.from({ length: 25 }, (_, i) => `c${i + 1}`);
    const status = await runSlot(slotElement({ shelfwiseSlot: 'cross-sell', shelfwiseContextItems: cart.join(',') }), deps).done;
    expect(status).toMatchObject({ source: 'server', shown: ['x', 'y'] });
    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.searchParams.get('context_items')).toBe(cart.slice(0, 20).join(','));
    expect(url.searchParams.has('context_item')).toBe(false);
  });

  test("'empty': no candidates, inline or from anywhere, collapse the slot", async () => {
    for (const el of [slotElement({ shelfwiseSlot: 'home' }, '{"items": []}'), slotElement({ shelfwiseSlot: 'home' })]) {
      const { deps, renders } = harness();
      expect(await runSlot(el, deps).done).toEqual({ slot: 'home', source: 'empty', shown: [], ms: 0 });
      expect(deps.clear).toHaveBeenCalledWith(el);
      expect(renders).toEqual([]);
      expect(deps.shown).not.toHaveBeenCalled();
    }
  });

  test('unpersonalize() re-renders a personalized shelf in the server order', async () => {
    const { deps, renders } = harness();
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b', 'c')), deps);
    expect((await handle.done).shown).toEqual(['c', 'b', 'a']);
    await handle.unpersonalize();
    expect(renders.map((r) => r.ids)).toEqual([
      ['c', 'b', 'a'],
      ['a', 'b', 'c'],
    ]);
    // "Why this?" is offered for the model's order only.
    expect(renders.map((r) => r.explain)).toEqual([deps.explain, undefined]);
  });

  test('unpersonalize() waits for the first render, and leaves an empty slot alone', async () => {
    const slow = harness({ rank: vi.fn((_k: string, c: Candidate[]) => after(100, c)) });
    const handle = runSlot(slotElement({}, inline('a', 'b')), slow.deps);
    const unpersonalized = handle.unpersonalize();
    await vi.advanceTimersByTimeAsync(100);
    await unpersonalized;
    expect(slow.renders.map((r) => r.ids)).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);

    const empty = harness();
    const none = runSlot(slotElement({}, '{"items": []}'), empty.deps);
    await none.unpersonalize();
    expect(empty.renders).toEqual([]);
  });

  test('the store, the model and the UI start loading with the candidate fetch, not after it', async () => {
    const fetch = vi.fn(() => after(200, Response.json({ items: items('x', 'y') })));
    vi.stubGlobal('fetch', fetch);
    const { deps } = harness({ endpoint: 'https://shop.example/api/candidates' });
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }), deps);
    expect(deps.personalize).toHaveBeenCalledOnce();
    expect(deps.ui).toHaveBeenCalledOnce();
    expect(deps.rank).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(await handle.done).toMatchObject({ source: 'model', shown: ['y', 'x'], ms: 200 });
  });

  test('reports each shown shelf with its source, the time its candidates arrived and the time its order was known', async () => {
    vi.stubGlobal('fetch', vi.fn(() => after(120, Response.json({ items: items('x', 'y') }))));
    const { deps } = harness({ endpoint: 'https://shop.example/api/candidates', rank: vi.fn((_k: string, c: Candidate[]) => after(30, c)) });
    const start = performance.now();
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }), deps);
    await vi.advanceTimersByTimeAsync(150);
    await handle.done;
    expect(deps.shown).toHaveBeenCalledExactlyOnceWith('home', 'model', start + 120, start + 150);

    const server = harness({ personalize: vi.fn(async () => false) });
    await runSlot(slotElement({ shelfwiseSlot: 'side' }, inline('a')), server.deps).done;
    expect(server.deps.shown).toHaveBeenCalledExactlyOnceWith('side', 'server', expect.any(Number), expect.any(Number));
  });

  test('a UI chunk that fails to load is reported through the slot, never unhandled', async () => {
    const broken = new Error('ui chunk failed');
    const { deps } = harness({ ui: vi.fn(() => Promise.reject(broken)) });
    await expect(runSlot(slotElement({}, inline('a')), deps).done).rejects.toBe(broken);
  });

  test('impressions and selections carry the slot name', async () => {
    const { deps } = harness();
    await runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b')), deps).done;
    expect(deps.onImpression).toHaveBeenCalledWith('home', items('b')[0], 0);
    expect(deps.onSelect).toHaveBeenCalledWith('home', items('b')[0], 0);
  });
});
