import { describe, expect, it } from 'vitest';
import { openStore } from './store';
import { DB_VERSION } from './schema';
import { databaseNames, ev, fakeClock, uniqueDbName } from './test-utils';

describe('store: add and read', () => {
  it('returns records oldest -> newest by ts, with ids assigned', async () => {
    const clock = fakeClock();
    const store = await openStore({ dbName: uniqueDbName(), now: clock.now });
    const t = clock.t;
    await store.add([ev('view_item', 'c', t - 1000), ev('view_item', 'a', t - 3000), ev('add_to_cart', 'b', t - 2000)]);
    const all = await store.recent();
    expect(all.map((e) => e.item_id)).toEqual(['a', 'b', 'c']);
    expect(all.every((e) => typeof e.id === 'number')).toBe(true);
    expect(new Set(all.map((e) => e.id)).size).toBe(3);
    expect(all[1]).toEqual({ ...ev('add_to_cart', 'b', t - 2000), id: all[1]!.id });
    store.close();
  });

  it('keeps insertion order among records with the same ts', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const ts = Date.now();
    await store.add([ev('view_item_list', 'x', ts), ev('view_item_list', 'y', ts), ev('view_item_list', 'z', ts)]);
    await store.add([ev('view_item_list', 'w', ts)]);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['x', 'y', 'z', 'w']);
    store.close();
  });

  it('limit gives the newest matching records, still oldest -> newest', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([
      ev('view_item', 'v1', t - 50),
      ev('add_to_cart', 'c1', t - 40),
      ev('view_item', 'v2', t - 30),
      ev('purchase', 'p1', t - 20),
      ev('add_to_cart', 'c2', t - 10),
    ]);
    const ids = async (opts: Parameters<typeof store.recent>[0]) => (await store.recent(opts)).map((e) => e.item_id);
    expect(await ids({ limit: 2 })).toEqual(['p1', 'c2']);
    expect(await ids({ limit: 0 })).toEqual([]);
    expect(await ids({ limit: 99 })).toEqual(['v1', 'c1', 'v2', 'p1', 'c2']);
    expect(await ids({ types: ['add_to_cart'] })).toEqual(['c1', 'c2']);
    expect(await ids({ types: ['view_item', 'purchase'], limit: 2 })).toEqual(['v2', 'p1']);
    expect(await ids({ types: [] })).toEqual([]);
    expect(await ids({ since: t - 30 })).toEqual(['v2', 'p1', 'c2']);
    expect(await ids({ since: t - 30, types: ['view_item'] })).toEqual(['v2']);
    store.close();
  });

  it('counts all records or those of some types', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([ev('view_item', 'a', t), ev('view_item', 'b', t), ev('purchase', 'c', t), ev('add_to_cart', 'd', t)]);
    expect(await store.count()).toBe(4);
    expect(await store.count({ types: ['view_item'] })).toBe(2);
    expect(await store.count({ types: ['view_item', 'purchase', 'view_item'] })).toBe(3);
    expect(await store.count({ types: ['select_item'] })).toBe(0);
    store.close();
  });

  it('rejects bad query options with a clear error', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    await expect(store.recent({ limit: -1 })).rejects.toThrow(/limit/);
    await expect(store.recent({ since: NaN })).rejects.toThrow(/since/);
    await expect(store.count({ types: 'view_item' as never })).rejects.toThrow(/types/);
    store.close();
  });
});

describe('store: persistence and lifecycle', () => {
  it('survives close and reopen', async () => {
    const dbName = uniqueDbName();
    const t = Date.now();
    const first = await openStore({ dbName });
    await first.add([ev('view_item', 'a', t - 1), ev('purchase', 'b', t)]);
    await first.setState('weights', new Float32Array([1, 2]));
    first.close();

    const second = await openStore({ dbName });
    expect((await second.recent()).map((e) => e.item_id)).toEqual(['a', 'b']);
    expect(await second.getState('weights')).toEqual(new Float32Array([1, 2]));
    second.close();
  });

  it('rejects calls after close() with a clear error', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    store.close();
    await expect(store.count()).rejects.toThrow(/shelfwise store: closed/);
    await expect(store.add([ev('view_item', 'a', Date.now())])).rejects.toThrow(/closed/);
  });

  it('creates the documented schema', async () => {
    // Not under the default name: test files share the origin's IndexedDB and may run in parallel.
    const dbName = uniqueDbName();
    const store = await openStore({ dbName });
    expect(await databaseNames()).toContain(dbName);
    store.close();
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(dbName);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['dismissed', 'events', 'state']);
    const tx = db.transaction(['events', 'state', 'dismissed']);
    const events = tx.objectStore('events');
    expect(events.keyPath).toBe('id');
    expect(events.autoIncrement).toBe(true);
    expect([...events.indexNames].sort()).toEqual(['ts', 'type']);
    expect(events.index('ts').keyPath).toBe('ts');
    expect(events.index('type').keyPath).toBe('type');
    expect(tx.objectStore('state').keyPath).toBeNull();
    const dismissed = tx.objectStore('dismissed');
    expect(dismissed.keyPath).toBe('item_id');
    expect([...dismissed.indexNames]).toEqual(['ts']);
    db.close();
  });

  it('rejects bad options', async () => {
    await expect(openStore({ dbName: uniqueDbName(), maxEvents: 0 })).rejects.toThrow(/maxEvents/);
    await expect(openStore({ dbName: uniqueDbName(), maxEvents: 2.5 })).rejects.toThrow(/maxEvents/);
    await expect(openStore({ dbName: uniqueDbName(), maxAgeDays: -1 })).rejects.toThrow(/maxAgeDays/);
  });
});
