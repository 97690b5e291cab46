import { afterEach, describe, expect, test, vi } from 'vitest';
import { INTEREST_EVENTS } from '../shared/events';
import type { Candidate, Explanation } from '../shared/types';
import type { Host } from '../ui/host';
import type { Page } from '../rank-on-page';
import type { Store } from '../store';
import { clearSlot, reserveSlot } from './reserve';
import { slotDeps, type SlotWiring } from './slot-deps';

const CFG = { candidates: 'https://shop.example/api/candidates', candidateLimit: 30, rankBudgetMs: 800 };
const shoe: Candidate = { item_id: 'sku1', item_name: 'Runner', item_brand: 'Acme', item_category: 'Shoes', item_category2: 'Running', price: 99, image: 'x.jpg' };

function setup(opts: { history?: number } = {}) {
  let granted = true;
  const store = {
    count: vi.fn<(query: unknown) => Promise<number>>(async () => opts.history ?? 3),
  };
  const host = { labels: [] } as unknown as Host;
  const ui = { visible: vi.fn(async (_h: Host, c: Candidate[]) => c.filter((x) => x.item_id !== 'gone')) };
  const page = {
    start: vi.fn(async () => {}),
    prepare: vi.fn(async () => {}),
    rank: vi.fn(async (_key: string, c: Candidate[]) => c.slice().reverse()),
    cached: vi.fn(async (): Promise<Candidate[] | null> => null),
    explain: vi.fn(async (): Promise<Explanation | null> => ({ because: [], longTerm: false })),
  };
  const wiring = {
    cfg: CFG,
    granted: () => granted,
    store: vi.fn(async () => store as unknown as Store),
    page: vi.fn(async () => page as unknown as Page),
    ui: vi.fn(async () => ui as never),
    host,
    record: vi.fn(),
    flush: vi.fn(async () => {}),
    shown: vi.fn(),
    warn: vi.fn(),
  } satisfies SlotWiring;
  return { deps: slotDeps(wiring), wiring, store, page, ui, setGranted: (g: boolean) => (granted = g) };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('slotDeps', () => {
  test('asks the UI chunk (which holds the shopper’s controls) which candidates are still wanted, and hands it the host', async () => {
    const s = setup();
    expect(await s.deps.visible([shoe, { ...shoe, item_id: 'gone' }])).toEqual([shoe]);
    expect(s.ui.visible).toHaveBeenCalledWith(s.wiring.host, expect.any(Array));
    expect(s.deps.host).toBe(s.wiring.host);
  });

  test("passes the merchant's settings, the shown hook and the slot mount on", () => {
    const { deps, wiring } = setup();
    expect(deps).toMatchObject({ endpoint: CFG.candidates, limit: 30, budgetMs: 800, ui: wiring.ui, shown: wiring.shown, warn: wiring.warn });
    expect(deps.reserve).toBe(reserveSlot);
    expect(deps.clear).toBe(clearSlot);
  });

  test('personalizes a shopper with interest history, getting the model ready', async () => {
    const { deps, store, page } = setup();
    expect(await deps.personalize()).toBe(true);
    expect(store.count).toHaveBeenCalledWith({ types: INTEREST_EVENTS });
    await tick();
    expect(page.prepare).toHaveBeenCalledOnce();
  });

  test("starts the model of a device that has one while the store counts", async () => {
    const { deps, store, page } = setup();
    let counted!: (n: number) => void;
    store.count.mockImplementationOnce(() => new Promise((resolve) => (counted = resolve)));
    const personalize = deps.personalize();
    await tick();
    expect(page.start).toHaveBeenCalledOnce();
    expect(page.prepare).not.toHaveBeenCalled();
    counted(2);
    expect(await personalize).toBe(true);
  });

  test('no consent: neither store nor ranking; no history: the ranking chunk is fetched, no model loaded', async () => {
    const denied = setup();
    denied.setGranted(false);
    expect(await denied.deps.personalize()).toBe(false);
    expect(denied.wiring.store).not.toHaveBeenCalled();
    expect(denied.wiring.page).not.toHaveBeenCalled();

    const fresh = setup({ history: 0 });
    expect(await fresh.deps.personalize()).toBe(false);
    await tick();
    expect(fresh.wiring.page).toHaveBeenCalledOnce();
    expect(fresh.page.prepare).not.toHaveBeenCalled();
    expect(fresh.page.start).toHaveBeenCalledOnce(); // loads nothing on a device that never ranked
  });

  test('consent withdrawn while the store counts: no personalization', async () => {
    const s = setup();
    s.store.count.mockImplementationOnce(async () => {
      s.setGranted(false);
      return 5;
    });
    expect(await s.deps.personalize()).toBe(false);
  });

  test('a model that fails to load is reported, not thrown', async () => {
    const s = setup();
    const failure = new Error('model: 404');
    s.page.prepare.mockImplementationOnce(() => Promise.reject(failure));
    expect(await s.deps.personalize()).toBe(true);
    await tick();
    expect(s.wiring.warn).toHaveBeenCalledWith(failure);
  });

  test("ranks and reads an earlier page's order through the ranking chunk, under the slot's key", async () => {
    const { deps, page } = setup();
    const other: Candidate = { ...shoe, item_id: 'sku2' };
    expect(await deps.rank('home', [shoe, other], [])).toEqual([other, shoe]);
    expect(page.rank).toHaveBeenCalledWith('home', [shoe, other], []);
    await deps.rank('cross-sell@sku7', [shoe], ['sku7']);
    expect(page.rank).toHaveBeenLastCalledWith('cross-sell@sku7', [shoe], ['sku7']);
    expect(await deps.cached('similar@sku9', [shoe])).toBeNull();
    expect(page.cached).toHaveBeenCalledWith('similar@sku9', [shoe]);
  });

  test('explains only while consent is granted', async () => {
    const s = setup();
    expect(await s.deps.explain(shoe)).toEqual({ because: [], longTerm: false });
    expect(s.page.explain).toHaveBeenCalledWith(shoe);
    s.setGranted(false);
    expect(await s.deps.explain(shoe)).toBeNull();
    expect(s.page.explain).toHaveBeenCalledOnce();
  });

  test('records impressions, and clicks written at once (the page is about to be left)', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const { deps, wiring } = setup();
    deps.onImpression('home', shoe, 0);
    expect(wiring.flush).not.toHaveBeenCalled();
    deps.onSelect('home', shoe, 0);
    const fields = { item_id: 'sku1', category: 'Shoes>Running', brand: 'Acme', name: 'Runner', price: 99, slot: 'home', ts: 1_700_000_000_000, source: 'widget' };
    expect(wiring.record.mock.calls).toEqual([[[{ ...fields, type: 'shelfwise_impression' }]], [[{ ...fields, type: 'shelfwise_click' }]]]);
    expect(wiring.flush).toHaveBeenCalledOnce();
  });

  test('a candidate without an id records nothing', () => {
    const { deps, wiring } = setup();
    deps.onImpression('home', { item_name: 'no id' } as Candidate, 0);
    expect(wiring.record).toHaveBeenCalledWith([]);
  });
});
