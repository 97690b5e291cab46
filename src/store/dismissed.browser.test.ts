import { describe, expect, it } from 'vitest';
import { openStore } from './store';
import { DAY, ev, fakeClock, uniqueDbName } from './test-utils';

const dismiss = (item_id: string, ts: number, extra = {}) => ev('shelfwise_dismiss', item_id, ts, { source: 'widget', slot: 'for-you', ...extra });

describe('store: dismissed items', () => {
  it('keeps a dismissal as an event and in the dismissed list, with what the panel shows', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([ev('view_item', 'seen', t - 2), dismiss('tent', t - 1, { name: 'Aurora Tunnel Tent', brand: 'Aurora', category: 'Outdoor>Tents' })]);
    expect((await store.recent()).map((e) => [e.type, e.item_id])).toEqual([['view_item', 'seen'], ['shelfwise_dismiss', 'tent']]);
    expect(await store.dismissed()).toEqual([{ item_id: 'tent', name: 'Aurora Tunnel Tent', brand: 'Aurora', category: 'Outdoor>Tents', ts: t - 1, slot: 'for-you' }]);
    store.close();
  });

  it('a second dismissal of an item renews it rather than listing it twice', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([dismiss('a', t - 30), dismiss('b', t - 20)]);
    await store.add([dismiss('a', t - 10)]);
    expect((await store.dismissed()).map((d) => [d.item_id, d.ts])).toEqual([['b', t - 20], ['a', t - 10]]);
    store.close();
  });

  it('is bounded like the events: at most maxDismissed items, none older than maxAgeDays', async () => {
    const clock = fakeClock();
    const dbName = uniqueDbName();
    const store = await openStore({ dbName, maxDismissed: 3, maxAgeDays: 10, now: clock.now });
    const t = clock.t;
    await store.add([1, 2, 3, 4, 5].map((i) => dismiss(`d${i}`, t - 9 * DAY + i)));
    expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['d3', 'd4', 'd5']);
    // Impressions crowding the event store out do not take the dismissals with them.
    await store.add(Array.from({ length: 3000 }, (_, i) => ev('shelfwise_impression', `i${i}`, t, { source: 'widget' })));
    expect(await store.count({ types: ['shelfwise_dismiss'] })).toBe(0);
    expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['d3', 'd4', 'd5']);
    store.close();
    clock.advance(2 * DAY); // all three are now older than 10 days
    const reopened = await openStore({ dbName, maxDismissed: 3, maxAgeDays: 10, now: clock.now });
    expect(await reopened.dismissed()).toEqual([]);
    reopened.close();
  });

  it('dumps everything the database holds in one read', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([ev('view_item', 'a', t - 1, { name: 'A' }), dismiss('b', t)]);
    await store.setState('personal', { vector: new Float32Array([1, 2]) });
    const dump = await store.dump();
    expect(dump.events.map((e) => e.item_id)).toEqual(['a', 'b']);
    expect(dump.dismissed.map((d) => d.item_id)).toEqual(['b']);
    expect(Object.keys(dump.state)).toEqual(['personal']);
    expect((dump.state.personal as { vector: Float32Array }).vector).toEqual(new Float32Array([1, 2]));
    store.close();
  });

  it('rejects a bad bound', async () => {
    await expect(openStore({ dbName: uniqueDbName(), maxDismissed: 0 })).rejects.toThrow(/maxDismissed/);
  });
});
