// The ranking chunk as the loader uses it: createPage over an in-memory store, a fake network and
// a fake worker.
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { HISTORY, ITEMS } from '../model/testing/fixture';
import { LAST_CONTRIBUTION_KEY, MODEL_KEY, OFFERED_KEY, scoresKey } from '../shared/storage-keys';
import type { Candidate, StoredEvent } from '../shared/types';
import type { Store } from '../store';
import { MIN_NEW_EVENTS } from '../worker/contribution-rules';
import { afterShelves, learnNow, type Reach } from './after-shelves';
import { createPage, type PageOptions, type PageState } from './index';
import { weightsUrl } from './pointer';
import { fakeFetch, servedModel, type FakeFetch, type Served } from './test-model';
import { memoryStore, type TestStore } from './test-store';
import type { WorkerClient } from './worker-client';

const SHIPPED = 'https://cdn.example/sw/model/model.json';
const SYNC = 'https://shop.example/api/fl';
const PUBLISHED = `${SYNC}/models/fl-r2/model.json`;
const candidates: Candidate[] = ITEMS.slice(0, 8).map((i) => ({ item_id: i.item_id, item_name: `Name of ${i.item_id}`, item_category: i.category, item_brand: i.brand }));
const stored = (e: (typeof HISTORY)[number], i: number): StoredEvent => ({ type: e.type as StoredEvent['type'], item_id: e.item_id, category: e.category ?? '', brand: e.brand ?? '', name: `Name of ${e.item_id}`, ts: i + 1, source: 'datalayer' });

let shipped: Served;
let published: Served;
beforeAll(async () => {
  [shipped, published] = await Promise.all([servedModel(3), servedModel(4)]);
});

let net: FakeFetch;
beforeEach(() => {
  net = fakeFetch();
  net.serve(SHIPPED, shipped);
  net.serve(PUBLISHED, published);
  vi.stubGlobal('fetch', net.fetch);
});
afterEach(() => {
  vi.useRealTimers();
});

function page(store: TestStore, sync: string | null = null, r?: Reach) {
  const opts = {
    store: async () => store as unknown as Store,
    shipped: SHIPPED,
    sync,
    backends: ['webgpu', 'webgl', 'cpu'],
    softwareGpu: false,
    workerUrl: 'https://cdn.example/sw/sw-worker-abcdefgh.js',
    dbName: 'shelfwise',
    warn: vi.fn(),
  } satisfies PageOptions;
  const part = vi.fn(async () => ({ afterShelves: (state: PageState) => afterShelves(state, r), learnNow: (state: PageState) => learnNow(state, r) }));
  return { page: createPage(opts, part), opts, part };
}

const bytesOf = (served: Served) => served.bin.slice().buffer;

/** Lets the ranking's writes happen (after the next frame; Node has none, so after their timeout). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 520));

describe('createPage', () => {
  test("a first page loads the shipped model, ranks by it and writes the pointer for the next page", async () => {
    const store = memoryStore(HISTORY.map(stored));
    const { page: p } = page(store);
    await p.prepare();
    expect(net.log).toEqual([`default ${SHIPPED}`, `force-cache ${weightsUrl({ url: SHIPPED, json: shipped.json })}`]);
    expect(store.state.get(MODEL_KEY)).toEqual({ source: SHIPPED, url: SHIPPED, json: shipped.json, weights: bytesOf(shipped) });

    const ranked = await p.rank('home', candidates);
    expect(ranked.map((c) => c.item_id).sort()).toEqual(candidates.map((c) => c.item_id).sort());
    expect(ranked).not.toEqual(candidates);
    await settle();
    const scores = (await store.getState<{ scores: Record<string, number> }>(scoresKey('home')))!.scores;
    expect(ranked.map((c) => scores[c.item_id])).toEqual(Object.values(scores).sort((a, b) => b - a));
    expect(await store.getState(OFFERED_KEY)).toHaveLength(8);

    const info = await p.debug();
    expect(info).toMatchObject({ backend: 'none', modelVersion: shipped.json.version, events: HISTORY.length, contribution: { lastRound: null, outcome: null } });
    expect(info.timings.load).toBeGreaterThanOrEqual(0);
    expect(info.timings.rank).toBeGreaterThanOrEqual(0);
  });

  test('a cross-sell shelf offers nothing of its context items\' subcategories', async () => {
    const store = memoryStore(HISTORY.map(stored));
    const { page: p } = page(store);
    // SKU-12, the cart's item, is a Shoes>Running item like SKU-0 and SKU-4.
    const ranked = await p.rank('cross-sell@SKU-12', candidates, ['SKU-12']);
    expect(ranked.map((c) => c.item_id).sort()).toEqual(candidates.map((c) => c.item_id).filter((id) => !['SKU-0', 'SKU-4'].includes(id)).sort());
    expect(ranked.every((c) => c.item_category !== 'Shoes>Running')).toBe(true);
    // Without a context the same candidates all stay.
    expect(await p.rank('home', candidates)).toHaveLength(candidates.length);
  });

  test('the next page ranks from the pointer, which holds model.json and the weights: no request', async () => {
    const store = memoryStore(HISTORY.map(stored));
    const never = page(store).page;
    await never.start();
    expect(net.log).toEqual([]); // a device that never ranked has no model to start
    await page(store).page.prepare();
    net.log.length = 0;
    const next = page(store).page;
    await next.start();
    await next.rank('home', candidates);
    expect(net.log).toEqual([]);
  });

  test("a pointer without the weights (an older widget's) or with a copy of the wrong size: fetched, and kept after the shelves", async () => {
    for (const weights of [undefined, new Uint8Array(shipped.bin.length - 1).buffer, new ArrayBuffer(0)]) {
      const store = memoryStore(HISTORY.map(stored));
      await store.setState(MODEL_KEY, { source: SHIPPED, url: SHIPPED, json: shipped.json, weights });
      net.log.length = 0;
      const { page: p } = page(store, null, reach());
      await p.rank('home', candidates);
      expect(net.log).toEqual([`force-cache ${weightsUrl({ url: SHIPPED, json: shipped.json })}`]);
      expect((store.state.get(MODEL_KEY) as { weights?: ArrayBuffer }).weights).toEqual(weights); // nothing written before the shelves
      await p.afterShelves();
      expect(store.state.get(MODEL_KEY)).toEqual({ source: SHIPPED, url: SHIPPED, json: shipped.json, weights: bytesOf(shipped) });
    }
  });

  test('a pointer whose weights are gone falls back to the shipped model, and is reported', async () => {
    const store = memoryStore(HISTORY.map(stored));
    await store.setState(MODEL_KEY, { source: SHIPPED, url: PUBLISHED, json: { ...published.json, weightsManifest: [{ ...published.json.weightsManifest[0], paths: ['gone.bin'] }] } });
    const { page: p, opts } = page(store);
    await p.prepare();
    expect(opts.warn).toHaveBeenCalledWith(new Error(`model: ${SYNC}/models/fl-r2/gone.bin answered 404`));
    expect((await p.debug()).modelVersion).toBe(shipped.json.version);
    expect(store.state.get(MODEL_KEY)).toMatchObject({ url: SHIPPED });
  });

  test("an earlier page's scores order the shelf when they cover enough of it", async () => {
    const store = memoryStore();
    const { page: p } = page(store);
    expect(await p.cached('home', candidates)).toBeNull();
    await store.setState(scoresKey('home'), { at: 1, scores: Object.fromEntries(candidates.map((c, i) => [c.item_id, i])) });
    expect(await p.cached('home', candidates)).toEqual(candidates.slice().reverse());
    expect(net.log).toEqual([]); // no model needed for it
  });

  test('explains with the same history, naming the events', async () => {
    const store = memoryStore(HISTORY.map(stored));
    const { page: p } = page(store);
    const why = (await p.explain(candidates[0]))!;
    expect(why.because.length).toBeGreaterThan(0);
    for (const e of why.because) expect(e.name).toBe(`Name of ${e.item_id}`);
    p.stop();
    expect(await p.explain(candidates[0])).toBeNull();
  });
});

function fakeWorker(answers: Record<string, unknown> = {}) {
  const worker = {
    call: vi.fn(async (call: string) => (call in answers ? answers[call] : call === 'debug' ? { backend: 'webgl', modelVersion: 'x', timings: { load: 900, adapt: 40 } } : undefined)),
    terminate: vi.fn(),
  };
  return worker;
}

function reach(worker = fakeWorker()): Reach & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    fetch: (...a) => fetch(...a),
    modelInfo: vi.fn(async () => ({ version: published.json.version, sha256: published.json.weightsSha256, url: PUBLISHED, round: 2 })),
    round: vi.fn(async () => ({ round: 2, status: 'open', model: { version: published.json.version, sha256: '' } }) as never),
    startWorker: (url: string) => {
      started.push(url);
      return worker as unknown as WorkerClient;
    },
  };
}

describe('after the shelves', () => {
  test('moves to a newer published model (this page too), then contributes through a worker started for it', async () => {
    const store = memoryStore(HISTORY.map(stored));
    await store.setState(OFFERED_KEY, [{ item_id: 'other', category: '', brand: '', times: 1 }]);
    const worker = fakeWorker({ contribute: 'sent' });
    const r = reach(worker);
    const { page: p, opts } = page(store, SYNC, r);
    await p.prepare();
    await p.afterShelves();
    expect(r.modelInfo).not.toHaveBeenCalled(); // nothing was ranked on this page yet
    await p.rank('home', candidates);
    await p.afterShelves();
    expect(store.state.get(MODEL_KEY)).toEqual({ source: SYNC, url: PUBLISHED, json: published.json, weights: bytesOf(published) });
    expect((await p.debug()).modelVersion).toBe(published.json.version);
    expect(HISTORY.length).toBeGreaterThanOrEqual(MIN_NEW_EVENTS);
    expect(r.started).toEqual([opts.workerUrl]);
    expect(worker.call.mock.calls.filter(([call]) => call !== 'debug')).toEqual([
      ['init', { modelUrl: PUBLISHED, syncUrl: SYNC, backends: opts.backends, softwareGpu: false, dbName: 'shelfwise' }],
      ['contribute'],
    ]);
    await store.setState(LAST_CONTRIBUTION_KEY, { round: 2, newest: 4 });
    expect(await p.debug()).toMatchObject({ backend: 'webgl', contribution: { lastRound: 2, outcome: 'sent' }, timings: { learn: 900, adapt: 40 } });
    p.stop();
    expect(worker.terminate).toHaveBeenCalledOnce();
  });

  test('nothing to learn: no worker', async () => {
    const store = memoryStore(HISTORY.slice(0, MIN_NEW_EVENTS - 1).map(stored));
    const r = reach();
    const { page: p } = page(store, SYNC, r);
    await p.rank('home', candidates);
    await p.afterShelves();
    expect(r.started).toEqual([]);
    expect((await p.debug()).contribution.outcome).toBe('not-enough-history');
  });

  test('a page that ranked nothing (no history) updates and learns nothing', async () => {
    const r = reach();
    const { page: p, part } = page(memoryStore(), SYNC, r);
    await p.afterShelves();
    expect(part).not.toHaveBeenCalled();
    expect(r.modelInfo).not.toHaveBeenCalled();
    expect(net.log).toEqual([]);
  });

  test('learns again when asked (a dismissal), without asking for a newer model; nothing on a page without a model', async () => {
    const store = memoryStore(HISTORY.map(stored));
    await store.setState(OFFERED_KEY, [{ item_id: 'other', category: '', brand: '', times: 1 }]);
    const worker = fakeWorker({ contribute: 'sent' });
    // The round trains the model this page has.
    const r = { ...reach(worker), round: vi.fn(async () => ({ round: 2, status: 'open', model: { version: shipped.json.version, sha256: '' } }) as never) };
    const none = page(memoryStore(), SYNC, r);
    await none.page.relearn();
    expect(none.part, 'the idle part is not even loaded').not.toHaveBeenCalled();
    const { page: p } = page(store, SYNC, r);
    await p.prepare();
    await p.relearn();
    expect(r.modelInfo).not.toHaveBeenCalled();
    expect(worker.call.mock.calls.map(([call]) => call)).toEqual(['init', 'contribute']);
  });

  test('turned off before it runs: nothing at all', async () => {
    const r = reach();
    const { page: p } = page(memoryStore(HISTORY.map(stored)), SYNC, r);
    await p.rank('home', candidates);
    p.stop();
    await p.afterShelves();
    expect(r.modelInfo).not.toHaveBeenCalled();
    expect(r.started).toEqual([]);
  });
});
