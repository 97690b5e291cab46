import { beforeAll, describe, expect, test, vi } from 'vitest';
import { HISTORY, ITEMS, TINY } from '../model/testing/fixture';
import { OFFERED_KEY, PERSONAL_KEY, scoresKey } from '../shared/storage-keys';
import type { StoredEvent } from '../shared/types';
import { HISTORY_READ } from '../worker/history';
import type { OfferedItem } from '../worker/personal';
import { loadModel, type LoadedModel } from './load';
import { createRanking } from './rank';
import { fakeFetch, servedModel } from './test-model';
import { memoryStore } from './test-store';

let model: LoadedModel;
beforeAll(async () => {
  const served = await servedModel();
  const net = fakeFetch();
  net.serve('https://cdn.example/model.json', served);
  model = await loadModel('https://cdn.example/model.json', served.json, { fetch: net.fetch, nextTask: async () => {} });
});

const stored = (e: (typeof HISTORY)[number], ts: number): StoredEvent => ({ type: e.type as StoredEvent['type'], item_id: e.item_id, category: e.category ?? '', brand: e.brand ?? '', ts, source: 'datalayer' });

function setup(events: StoredEvent[]) {
  const store = memoryStore(events);
  const later: (() => void)[] = [];
  let alone = true;
  const ranking = createRanking({ store: async () => store, model: async () => model, later: (fn) => void later.push(fn), alone: () => alone, warn: vi.fn() });
  return { store, ranking, runLater: () => later.splice(0).forEach((fn) => fn()), workerStarted: () => void (alone = false) };
}

describe('createRanking', () => {
  test("scores with the interest events among the newest records and this model's personal vector", async () => {
    // An old interest event beyond the records read, then the history, then impressions.
    const events = [
      stored({ ...ITEMS[20], type: 'view_item' }, 1),
      ...Array.from({ length: HISTORY_READ - HISTORY.length }, (_, i): StoredEvent => ({ type: 'shelfwise_impression', item_id: ITEMS[i % 24].item_id, category: '', brand: '', ts: 2 + i, source: 'widget' })),
      ...HISTORY.map((e, i) => stored(e, 10_000 + i)),
    ];
    const { store, ranking } = setup(events);
    const personal = Float32Array.from({ length: TINY.dim }, (_, i) => 0.1 * (i - 3));
    await store.setState(PERSONAL_KEY, { modelVersion: model.version, vector: personal, events: 4, at: 1 });
    const ranked = await ranking.rank('home', ITEMS);
    expect(ranked.history.map((e) => e.item_id)).toEqual(HISTORY.map((e) => e.item_id));
    expect(Array.from(ranked.scores)).toEqual(Array.from(model.ranker.score(HISTORY, ITEMS, personal)));
    expect(ranked.ms).toBeGreaterThanOrEqual(0);

    // A vector fitted for another model version is not used.
    await store.setState(PERSONAL_KEY, { modelVersion: 'other', vector: personal, events: 4, at: 1 });
    expect(Array.from((await ranking.rank('home', ITEMS)).scores)).toEqual(Array.from(model.ranker.score(HISTORY, ITEMS)));
  });

  test('a prefetched history is topped up with what was written since, carried-over events included', async () => {
    const { store, ranking } = setup(HISTORY.map((e, i) => stored(e, 100 + i)));
    ranking.prefetch();
    const first = await ranking.rank('home', ITEMS);
    expect(first.history.map((e) => e.item_id)).toEqual(HISTORY.map((e) => e.item_id));
    // This page's list view, then the previous page's click, carried over with its earlier time.
    store.write([{ type: 'view_item_list', item_id: ITEMS[9].item_id, category: '', brand: '', ts: 200, source: 'datalayer' }]);
    store.write([{ ...stored({ ...ITEMS[7], type: 'select_item' }, 150) }]);
    const next = await ranking.rank('home', ITEMS);
    expect(next.history.map((e) => e.item_id)).toEqual([...HISTORY.map((e) => e.item_id), ITEMS[7].item_id]);
    expect(Array.from(next.scores)).toEqual(Array.from(model.ranker.score(next.history, ITEMS)));
    // One full read (the prefetch); none for the first ranking, nothing having been written since;
    // then only what was added.
    expect(store.reads).toEqual([{ limit: HISTORY_READ }, { after: HISTORY.length }]);
  });

  test('rankings that start while a top-up is on its way share it; with nothing written since the last read, a ranking reads nothing', async () => {
    const { store, ranking } = setup(HISTORY.map((e, i) => stored(e, 100 + i)));
    ranking.prefetch();
    await new Promise((r) => setTimeout(r));
    store.write([{ type: 'view_item', item_id: ITEMS[9].item_id, category: '', brand: '', ts: 200, source: 'datalayer' }]);
    const [a, b] = await Promise.all([ranking.rank('related@sku1', ITEMS), ranking.rank('cross-sell@sku1', ITEMS, [ITEMS[2].item_id])]);
    const seen = [...HISTORY.map((e) => e.item_id), ITEMS[9].item_id];
    expect(a.history.map((e) => e.item_id)).toEqual(seen);
    expect(b.history.map((e) => e.item_id)).toEqual([...seen, ITEMS[2].item_id]);
    expect(store.reads).toEqual([{ limit: HISTORY_READ }, { after: HISTORY.length }]);
    const c = await ranking.rank('home', ITEMS);
    expect(c.history.map((e) => e.item_id)).toEqual(seen);
    expect(store.reads).toHaveLength(2);
    // The next top-up reads after the newest record the last one brought.
    store.write([{ type: 'view_item', item_id: ITEMS[3].item_id, category: '', brand: '', ts: 300, source: 'datalayer' }]);
    expect((await ranking.rank('home', ITEMS)).history.at(-1)?.item_id).toBe(ITEMS[3].item_id);
    expect(store.reads).toEqual([{ limit: HISTORY_READ }, { after: HISTORY.length }, { after: HISTORY.length + 1 }]);
  });

  test("once a learning worker has started, whose writes this page's store does not count, every ranking reads what is new", async () => {
    const { store, ranking, workerStarted } = setup(HISTORY.map((e, i) => stored(e, 100 + i)));
    ranking.prefetch();
    await ranking.rank('home', ITEMS);
    workerStarted();
    // The worker's own store writes the personal vector.
    const personal = Float32Array.from({ length: TINY.dim }, (_, i) => 0.05 * i);
    store.state.set(PERSONAL_KEY, { modelVersion: model.version, vector: personal, events: 4, at: 1 });
    const ranked = await ranking.rank('home', ITEMS);
    expect(Array.from(ranked.scores)).toEqual(Array.from(model.ranker.score(HISTORY, ITEMS, personal)));
    expect(store.reads).toEqual([{ limit: HISTORY_READ }, { after: HISTORY.length }]);
  });

  test('after a failed first read, a ranking reads everything itself', async () => {
    const { store, ranking } = setup(HISTORY.map((e, i) => stored(e, 100 + i)));
    const read = store.read;
    store.read = () => Promise.reject(new Error('busy'));
    ranking.prefetch();
    await new Promise((r) => setTimeout(r));
    store.read = read;
    const ranked = await ranking.rank('home', ITEMS);
    expect(ranked.history.map((e) => e.item_id)).toEqual(HISTORY.map((e) => e.item_id));
    expect(store.reads).toEqual([{ limit: HISTORY_READ }]);
  });

  test('keeps the scores and the offered items only in a later task, one write after another', async () => {
    const { store, ranking, runLater } = setup(HISTORY.map((e, i) => stored(e, i + 1)));
    const first = await ranking.rank('home', ITEMS.slice(0, 6));
    await ranking.rank('related@sku9', ITEMS.slice(4, 8));
    expect(store.state.size).toBe(0); // nothing written before the shelves are rendered
    runLater();
    await ranking.written();
    const kept = await store.getState<{ at: number; scores: Record<string, number> }>(scoresKey('home'));
    expect(kept?.scores).toEqual(Object.fromEntries(ITEMS.slice(0, 6).map((c, i) => [c.item_id, first.scores[i]])));
    expect(Object.keys((await store.getState<{ scores: object }>(scoresKey('related@sku9')))!.scores)).toHaveLength(4);
    // Both rankings' items are remembered (none lost to the other's write), items offered twice counted twice.
    const offered = (await store.getState<OfferedItem[]>(OFFERED_KEY))!;
    expect(offered.map((o) => o.item_id).sort()).toEqual(ITEMS.slice(0, 8).map((c) => c.item_id).sort());
    expect(offered.filter((o) => o.times === 2).map((o) => o.item_id).sort()).toEqual([ITEMS[4].item_id, ITEMS[5].item_id].sort());
  });

  test('a failed write is reported, not thrown', async () => {
    const store = memoryStore([]);
    const warn = vi.fn();
    const failing = createRanking({ store: async () => ({ ...store, setState: () => Promise.reject(new Error('quota')) }), model: async () => model, later: (fn) => fn(), alone: () => true, warn });
    await failing.rank('home', ITEMS);
    await failing.written();
    expect(warn).toHaveBeenCalledWith(new Error('quota'));
  });
});
