import { describe, expect, it, vi } from 'vitest';
import { openStore } from './store';
import { ev, uniqueDbName } from './test-utils';

const dismiss = (item_id: string, ts: number) => ev('shelfwise_dismiss', item_id, ts, { source: 'widget', slot: 'for-you' });

describe('store: records, dismissed items and state read together', () => {
  it('answers what recent, dismissed and getState would, for the keys that hold a value', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([ev('view_item', 'a', t - 40), ev('add_to_cart', 'b', t - 30), dismiss('c', t - 20), ev('view_item', 'd', t - 10)]);
    await store.setState('personal', { vector: new Float32Array([1, 2]) });
    await store.setState('other', 1);

    const read = await store.read({ events: { limit: 3 }, state: ['personal', 'missing'] });
    expect(read.events).toEqual(await store.recent({ limit: 3 }));
    expect(read.events.map((e) => e.item_id)).toEqual(['b', 'c', 'd']);
    expect(read.dismissed).toEqual(await store.dismissed());
    expect(read.dismissed.map((d) => d.item_id)).toEqual(['c']);
    expect(Object.keys(read.state)).toEqual(['personal']);
    expect(read.state.personal).toEqual({ vector: new Float32Array([1, 2]) });

    // What was written after a record, by id, and no state when none is asked for.
    const after = read.events[1].id!;
    await store.add([ev('select_item', 'e', t - 50)]);
    const since = await store.read({ events: { after } });
    expect(since.events.map((e) => e.item_id)).toEqual(['e', 'd']);
    expect(Object.keys(since.state)).toEqual([]);
    store.close();
  });

  it('sees a write begun after it not at all, and one begun before it whole', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([ev('view_item', 'a', t - 10)]);
    const before = store.read({ events: {} });
    const write = store.add([ev('view_item', 'x', t), dismiss('x', t)]);
    const after = store.read({ events: {} });
    expect((await before).events.map((e) => e.item_id)).toEqual(['a']);
    expect((await before).dismissed).toEqual([]);
    await write;
    expect((await after).events.map((e) => e.item_id)).toEqual(['a', 'x', 'x']);
    expect((await after).dismissed.map((d) => d.item_id)).toEqual(['x']);
    store.close();
  });

  it('counts the writes it has begun, and a read carries the count it began at', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    expect(store.writes()).toBe(0);
    const before = store.read({ events: {} });
    const write = store.add([ev('view_item', 'a', t)]);
    const after = store.read({ events: {} });
    expect(await before).toMatchObject({ writes: 0, events: [] });
    await write;
    expect((await after).writes).toBe(1);
    expect((await after).events.map((e) => e.item_id)).toEqual(['a']);
    await store.setState('k', 1);
    await store.setState('k', undefined);
    expect(store.writes()).toBe(3);
    // A batch with nothing valid in it writes nothing.
    await store.add([{ ...ev('view_item', 'b', t), type: 'nope' as never }]);
    expect(store.writes()).toBe(3);
    expect((await store.read({ events: {} })).writes).toBe(3);
    store.close();
  });

  it('answers the dismissed items from the newest read while no write has begun since, without a transaction', async () => {
    const dbName = uniqueDbName();
    const store = await openStore({ dbName });
    const t = Date.now();
    await store.add([ev('view_item', 'a', t - 20), dismiss('c', t - 10)]);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    try {
      const read = store.read({ events: {} });
      const during = store.dismissed(); // shares the read in flight
      expect((await read).dismissed.map((d) => d.item_id)).toEqual(['c']);
      const after = await store.dismissed();
      expect((await during).map((d) => d.item_id)).toEqual(['c']);
      expect(after.map((d) => d.item_id)).toEqual(['c']);
      expect(transactions).toHaveBeenCalledTimes(1);
      after.pop(); // a copy each time
      expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['c']);
      expect(transactions).toHaveBeenCalledTimes(1);

      // Its own write: read again.
      await store.add([dismiss('d', t - 5)]);
      expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['c', 'd']);
      expect(transactions).toHaveBeenCalledTimes(3);
      // Another page's write is not seen until this store writes or reads again (the limit the
      // README states).
      const other = await openStore({ dbName });
      await other.add([dismiss('e', t - 1)]);
      other.close();
      expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['c', 'd']);
      expect((await store.read({ events: {} })).dismissed.map((d) => d.item_id)).toEqual(['c', 'd', 'e']);
      expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['c', 'd', 'e']);
    } finally {
      transactions.mockRestore();
      store.close();
    }
  });

  it('rejects bad options', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    await expect(store.read({ events: { limit: -1 } })).rejects.toThrow(/limit/);
    await expect(store.read({ events: {}, state: 'personal' as never })).rejects.toThrow(/state/);
    store.close();
  });
});
