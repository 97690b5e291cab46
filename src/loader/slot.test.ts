import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Candidate } from '../shared/types';
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

function harness(overrides: Partial<SlotDeps> = {}) {
  const root = { id: 'shadow-root' } as unknown as ShadowRoot;
  const renders: { slot: string; title?: string; ids: string[] }[] = [];
  const ui: UiModule = {
    renderShelf(into, props) {
      expect(into).toBe(root);
      renders.push({ slot: props.slot, title: props.title, ids: props.items.map((c) => c.item_id) });
      props.onImpression?.(props.items[0], 0);
      props.onSelect?.(props.items[0], 0);
    },
  };
  const deps = {
    endpoint: null,
    limit: 50,
    budgetMs: 1000,
    personalize: vi.fn(async () => true),
    rank: vi.fn(async (_key: string, c: Candidate[]) => c.map((_, i) => i)), // reverses the server order
    cached: vi.fn(async (): Promise<Record<string, number> | undefined> => undefined),
    ui: vi.fn(async () => ui),
    onImpression: vi.fn(),
    onSelect: vi.fn(),
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
  test("'model': a ranking within the budget orders the shelf, cut to the slot's count", async () => {
    const { deps, renders } = harness({ rank: vi.fn((_k: string, c: Candidate[]) => after(300, c.map((_, i) => i))) });
    const el = slotElement({ shelfwiseSlot: 'home', shelfwiseCount: '2', shelfwiseTitle: 'For you' }, inline('a', 'b', 'c'));
    const handle = runSlot(el, deps);
    expect(deps.reserve).toHaveBeenCalledWith(el, { count: 2 });
    await vi.advanceTimersByTimeAsync(300);
    expect(await handle.done).toEqual({ slot: 'home', source: 'model', shown: ['c', 'b'], ms: 300 });
    expect(renders).toEqual([{ slot: 'home', title: 'For you', ids: ['c', 'b'] }]);
    expect(deps.rank).toHaveBeenCalledWith('home', items('a', 'b', 'c'));
    expect(deps.cached).not.toHaveBeenCalled();
    expect(deps.clear).not.toHaveBeenCalled();
  });

  test('ranks a product page slot under its context item', async () => {
    const { deps } = harness();
    const handle = runSlot(slotElement({ shelfwiseSlot: 'similar', shelfwiseContextItem: 'sku9' }, inline('a', 'b')), deps);
    expect((await handle.done).source).toBe('model');
    expect(deps.rank).toHaveBeenCalledWith('similar@sku9', expect.any(Array));
  });

  test("'cache': a ranking slower than the budget gives way to the previous page's scores, and never re-orders", async () => {
    const { deps, renders } = harness({
      budgetMs: 500,
      rank: vi.fn((_k: string, c: Candidate[]) => after(2000, c.map((_, i) => i))),
      cached: vi.fn(async () => ({ b: 3, a: 2, c: 1 })),
    });
    const handle = runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b', 'c')), deps);
    await vi.advanceTimersByTimeAsync(499);
    expect(renders).toEqual([]); // still within the budget: the skeleton stays
    await vi.advanceTimersByTimeAsync(1);
    expect(await handle.done).toEqual({ slot: 'home', source: 'cache', shown: ['b', 'a', 'c'], ms: 500 });
    expect(deps.cached).toHaveBeenCalledWith('home');
    await vi.advanceTimersByTimeAsync(2000); // the late ranking arrives
    expect(renders.map((r) => r.ids)).toEqual([['b', 'a', 'c']]);
  });

  test("'server': a slow ranking with no usable cache shows the server's order at the budget", async () => {
    const { deps, renders } = harness({
      budgetMs: 500,
      rank: vi.fn(() => after(600, [3, 2, 1])),
      cached: vi.fn(async () => ({ a: 1 })), // covers a third of the candidates: too little
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
    const { deps } = harness({ budgetMs: 5000, rank: vi.fn(() => Promise.reject(broken)), cached: vi.fn(async () => ({ b: 1, a: 0 })) });
    const status = await runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b')), deps).done;
    expect(status).toEqual({ slot: 'home', source: 'cache', shown: ['b', 'a'], ms: 0 });
    expect(deps.warn).toHaveBeenCalledWith(broken);
  });

  test('a failing cache read falls back to the server order', async () => {
    const { deps } = harness({ budgetMs: 10, rank: vi.fn(() => after(100, [1])), cached: vi.fn(() => Promise.reject(new Error('closed'))) });
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
    expect(deps.personalize).not.toHaveBeenCalled();
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

  test("'empty': no candidates, inline or from anywhere, collapse the slot", async () => {
    for (const el of [slotElement({ shelfwiseSlot: 'home' }, '{"items": []}'), slotElement({ shelfwiseSlot: 'home' })]) {
      const { deps, renders } = harness();
      expect(await runSlot(el, deps).done).toEqual({ slot: 'home', source: 'empty', shown: [], ms: 0 });
      expect(deps.clear).toHaveBeenCalledWith(el);
      expect(renders).toEqual([]);
      expect(deps.ui).not.toHaveBeenCalled();
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
  });

  test('unpersonalize() waits for the first render, and leaves an empty slot alone', async () => {
    const slow = harness({ rank: vi.fn(() => after(100, [2, 1])) });
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

  test('impressions and selections carry the slot name', async () => {
    const { deps } = harness();
    await runSlot(slotElement({ shelfwiseSlot: 'home' }, inline('a', 'b')), deps).done;
    expect(deps.onImpression).toHaveBeenCalledWith('home', items('b')[0], 0);
    expect(deps.onSelect).toHaveBeenCalledWith('home', items('b')[0], 0);
  });
});
