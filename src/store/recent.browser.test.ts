import { describe, expect, it } from 'vitest';
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
});
