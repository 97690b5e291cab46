import { afterEach, describe, expect, test, vi } from 'vitest';
import { INTEREST_EVENTS } from '../shared/events';
import type { Candidate } from '../shared/types';
import type { Store } from '../store';
import type { RankResult } from '../worker/protocol';
import { clearSlot, reserveSlot } from './reserve';
import { slotDeps, type SlotWiring } from './slot-deps';
import type { WorkerClient } from './worker-client';

const CFG = { candidates: 'https://shop.example/api/candidates', candidateLimit: 30, rankBudgetMs: 800 };
const shoe: Candidate = { item_id: 'sku1', item_name: 'Runner', item_brand: 'Acme', item_category: 'Shoes', item_category2: 'Running', price: 99, image: 'x.jpg' };

function setup(opts: { history?: number } = {}) {
  let granted = true;
  const store = {
    count: vi.fn<(query: unknown) => Promise<number>>(async () => opts.history ?? 3),
    getState: vi.fn<(key: string) => Promise<unknown>>(async () => ({ at: 1, scores: { sku1: 0.5 } })),
  };
  const worker = {
    call: vi.fn<(...args: unknown[]) => Promise<RankResult>>(async () => ({ scores: [0.9], backend: 'cpu', modelVersion: 'v1', history: 3, ms: 5 })),
  };
  const wiring = {
    cfg: CFG,
    granted: () => granted,
    store: vi.fn(async () => store as unknown as Store),
    worker: vi.fn(() => worker as unknown as WorkerClient),
    ui: vi.fn(),
    record: vi.fn(),
    flush: vi.fn(async () => {}),
    warn: vi.fn(),
  } satisfies SlotWiring;
  return { deps: slotDeps(wiring), wiring, store, worker, setGranted: (g: boolean) => (granted = g) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('slotDeps', () => {
  test("passes the merchant's settings and the slot mount on", () => {
    const { deps, wiring } = setup();
    expect(deps).toMatchObject({ endpoint: CFG.candidates, limit: 30, budgetMs: 800, ui: wiring.ui, warn: wiring.warn });
    expect(deps.reserve).toBe(reserveSlot);
    expect(deps.clear).toBe(clearSlot);
  });

  test('personalizes a shopper with interest history, starting the worker', async () => {
    const { deps, wiring, store } = setup();
    expect(await deps.personalize()).toBe(true);
    expect(store.count).toHaveBeenCalledWith({ types: INTEREST_EVENTS });
    expect(wiring.worker).toHaveBeenCalledOnce();
  });

  test('no consent, or no history: no store, or no worker', async () => {
    const denied = setup();
    denied.setGranted(false);
    expect(await denied.deps.personalize()).toBe(false);
    expect(denied.wiring.store).not.toHaveBeenCalled();

    const fresh = setup({ history: 0 });
    expect(await fresh.deps.personalize()).toBe(false);
    expect(fresh.wiring.worker).not.toHaveBeenCalled();
  });

  test('consent withdrawn while the store counts: no personalization', async () => {
    const s = setup();
    s.store.count.mockImplementationOnce(async () => {
      s.setGranted(false);
      return 5;
    });
    expect(await s.deps.personalize()).toBe(false);
  });

  test("ranks the candidates' catalog fields only, and returns the scores", async () => {
    const { deps, worker } = setup();
    expect(await deps.rank('home', [shoe])).toEqual([0.9]);
    expect(worker.call).toHaveBeenCalledWith('rank', 'home', [{ item_id: 'sku1', category: 'Shoes>Running', brand: 'Acme', name: 'Runner', price: 99 }]);
  });

  test("reads a slot's cached scores under its key", async () => {
    const { deps, store } = setup();
    expect(await deps.cached('similar@sku9')).toEqual({ sku1: 0.5 });
    expect(store.getState).toHaveBeenCalledWith('scores:similar@sku9');
    store.getState.mockResolvedValueOnce(undefined);
    expect(await deps.cached('home')).toBeUndefined();
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
