import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { getAllTakesDirection, newestIn } from './newest';
import { openStore } from './store';
import { ev, uniqueDbName } from './test-utils';

describe('store: the newest records', () => {
  it('limit alone reads from the limit-th newest time: exact at ties, with since, beyond the count', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    // Three records share the time at the boundary of the newest four.
    await store.add([ev('view_item', 'a', t - 50), ev('view_item_list', 'b', t - 40), ev('view_item', 'c', t - 30), ev('view_item', 'd', t - 30), ev('view_item', 'e', t - 30), ev('add_to_cart', 'f', t - 10)]);
    const ids = async (opts: Parameters<typeof store.recent>[0]) => (await store.recent(opts)).map((e) => e.item_id);
    expect(await ids({ limit: 4 })).toEqual(['c', 'd', 'e', 'f']);
    expect(await ids({ limit: 3 })).toEqual(['d', 'e', 'f']);
    expect(await ids({ limit: 1 })).toEqual(['f']);
    expect(await ids({ limit: 6 })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ limit: 60 })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ limit: 0 })).toEqual([]);
    expect(await ids({ limit: 5, since: t - 35 })).toEqual(['c', 'd', 'e', 'f']);
    expect(await ids({ limit: 2, since: t - 35 })).toEqual(['e', 'f']);
    expect(await ids({ limit: 2, types: ['view_item'] })).toEqual(['d', 'e']);
    store.close();
  });

  it('in a full store, the newest records read the same as cutting the whole list', async () => {
    const store = await openStore({ dbName: uniqueDbName(), maxEvents: 500 });
    const t = Date.now() - 1e6;
    await store.add(Array.from({ length: 700 }, (_, i) => ev(i % 3 ? 'shelfwise_impression' : 'view_item', `i${i}`, t + Math.floor(i / 4))));
    const all = await store.recent();
    expect(all).toHaveLength(500);
    for (const limit of [1, 37, 300, 499, 500]) expect(await store.recent({ limit })).toEqual(all.slice(-limit));
    store.close();
  });

  it('one request from the newest end and the key cursor read the same records (ties, since, beyond the count)', async () => {
    const name = uniqueDbName();
    const store = await openStore({ dbName: name });
    const t = Date.now() - 1e6;
    // Four records to a time, so every limit below cuts through ties.
    await store.add(Array.from({ length: 120 }, (_, i) => ev('view_item', `i${i}`, t + Math.floor(i / 4))));
    store.close();
    const db = await openDB(name);
    const byTs = () => db.transaction('events').store.index('ts');
    for (const since of [-Infinity, t + 10, t + 29])
      for (const limit of [0, 1, 2, 5, 37, 119, 120, 500]) {
        const cursor = await newestIn(byTs(), since, limit, false);
        expect(await newestIn(byTs(), since, limit, true), `since ${since}, limit ${limit}`).toEqual(cursor);
        expect(cursor.map((e) => e.item_id)).toEqual(Array.from({ length: 120 }, (_, i) => `i${i}`).filter((_, i) => t + Math.floor(i / 4) >= since).slice(-limit || Infinity));
      }
    db.close();
    // Chromium here has it, so the page's path is the one tested above.
    expect(getAllTakesDirection).toBe(true);
  });
});
