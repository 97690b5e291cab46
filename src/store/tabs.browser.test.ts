import { describe, expect, it } from 'vitest';
import { openStore } from './store';
import { deleteStore } from './delete';
import { DB_VERSION } from './schema';
import { databaseNames, ev, uniqueDbName, unhandledRejectionsDuring } from './test-utils';

/** Fails the test instead of hanging when a delete or open is blocked. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms))]);
}

describe('store: several tabs (connections)', () => {
  it('concurrent adds from two connections lose nothing', async () => {
    const dbName = uniqueDbName();
    const [a, b] = await Promise.all([openStore({ dbName }), openStore({ dbName })]);
    const t = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        a.add([ev('view_item', `a${i}`, t + i), ev('add_to_cart', `a${i}`, t + i)]),
        b.add([ev('view_item', `b${i}`, t + i)]),
      ]).flat(),
    );
    expect(await a.count()).toBe(60);
    expect(await b.count()).toBe(60);
    const ids = (await b.recent()).map((e) => e.id);
    expect(new Set(ids).size).toBe(60);
    const items = new Set((await a.recent()).map((e) => e.item_id));
    for (let i = 0; i < 20; i++) expect(items.has(`a${i}`) && items.has(`b${i}`)).toBe(true);
    a.close();
    b.close();
  });

  it('the bound holds across concurrent writers', async () => {
    const dbName = uniqueDbName();
    const [a, b] = await Promise.all([openStore({ dbName, maxEvents: 15 }), openStore({ dbName, maxEvents: 15 })]);
    const t = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => [a.add([ev('view_item', `a${i}`, t + 2 * i)]), b.add([ev('view_item', `b${i}`, t + 2 * i + 1)])]).flat(),
    );
    const kept = await a.recent();
    expect(kept).toHaveLength(15);
    // The 15 newest of the 40 timestamps t+0 .. t+39.
    expect(kept.map((e) => e.ts)).toEqual(Array.from({ length: 15 }, (_, i) => t + 25 + i));
    a.close();
    b.close();
  });

  it('deleteStore succeeds while other connections are open, and they then fail cleanly', async () => {
    const dbName = uniqueDbName();
    const tabA = await openStore({ dbName });
    const tabB = await openStore({ dbName });
    await tabA.add([ev('view_item', 'secret', Date.now())]);

    const unhandled = await unhandledRejectionsDuring(async () => {
      await within(3000, deleteStore(dbName), 'deleteStore');
      expect(await databaseNames()).not.toContain(dbName);

      await expect(tabA.add([ev('view_item', 'after', Date.now())])).rejects.toThrow(/deleted/);
      await expect(tabA.recent()).rejects.toThrow(/deleted/);
      await expect(tabB.count()).rejects.toThrow(/deleted/);
      await expect(tabB.getState('k')).rejects.toThrow(/deleted/);
      await expect(tabB.setState('k', 1)).rejects.toThrow(/deleted/);
      // Calls whose results nobody awaits must not surface as unhandled rejections either.
      void tabA.count().catch(() => {});
      tabA.close();
      tabB.close();
    });
    expect(unhandled).toEqual([]);
    // The old connections did not quietly recreate the erased data.
    expect(await databaseNames()).not.toContain(dbName);

    const fresh = await openStore({ dbName });
    expect(await fresh.count()).toBe(0);
    fresh.close();
  });

  it('a delete racing an open wins: openStore rejects clearly and recreates nothing', async () => {
    const dbName = uniqueDbName();
    const unhandled = await unhandledRejectionsDuring(async () => {
      // IndexedDB serves the requests in order: the open (and its pruning) first, then the delete.
      const opening = openStore({ dbName });
      const deleting = deleteStore(dbName);
      await expect(opening).rejects.toThrow(/deleted/);
      await within(3000, deleting, 'deleteStore');
    });
    expect(unhandled).toEqual([]);
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('an add in flight when the delete arrives completes before the database goes', async () => {
    const dbName = uniqueDbName();
    const store = await openStore({ dbName });
    const adding = store.add([ev('view_item', 'x', Date.now())]);
    const deleting = deleteStore(dbName);
    await expect(adding).resolves.toEqual({ added: 1, rejected: 0 });
    await within(3000, deleting, 'deleteStore');
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('gives way to another tab upgrading the schema, then fails with the VersionError', async () => {
    const dbName = uniqueDbName();
    const store = await openStore({ dbName });
    let blocked = false;
    const newer = await within(
      3000,
      new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(dbName, DB_VERSION + 1);
        req.onblocked = () => (blocked = true);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      }),
      'upgrade from another tab',
    );
    expect(blocked).toBe(false);
    newer.close();
    const unhandled = await unhandledRejectionsDuring(async () => {
      await expect(store.count()).rejects.toMatchObject({ name: 'VersionError' });
    });
    expect(unhandled).toEqual([]);
    store.close();
  });
});
