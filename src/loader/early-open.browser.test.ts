// The page opens a returning shopper's database while the store's code downloads; the store adopts
// that connection. It never creates a database, and the store behaves as with its own connection:
// it owns and closes it, gives way to a deletion, and opens its own when the early one cannot serve.
import { describe, expect, it } from 'vitest';
import { openStore } from '../store';
import { deleteStore } from '../store/delete';
import { databaseNames, ev, uniqueDbName } from '../store/test-utils';
import { openEarly } from './early-open';

describe('openEarly', () => {
  it('never throws: a page whose IndexedDB cannot be reached gets null', async () => {
    const unreachable = () => {
      throw new DOMException('no storage here', 'SecurityError');
    };
    expect(await openEarly(unreachable, uniqueDbName())).toBeNull();
  });

  it('creates no database where there is none: the store creates it', async () => {
    const dbName = uniqueDbName();
    const early = openEarly(() => indexedDB, dbName);
    expect(await early).toBeNull();
    expect(await databaseNames()).not.toContain(dbName);
    const store = await openStore({ dbName, early });
    await store.add([ev('view_item', 'a', Date.now())]);
    expect(await store.count()).toBe(1);
    store.close();
  });

  it('the store adopts an open connection to its database: it reads, writes and closes it', async () => {
    const dbName = uniqueDbName();
    (await openStore({ dbName })).close();
    const early = openEarly(() => indexedDB, dbName);
    const db = (await early)?.db;
    expect(db?.name).toBe(dbName);
    const store = await openStore({ dbName, early });
    await store.add([ev('view_item', 'a', Date.now())]);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['a']);
    store.close();
    await new Promise((r) => setTimeout(r, 0));
    // Closed by the store: it was the store's connection.
    expect(() => db!.transaction('events')).toThrow(/closing/);
  });

  it('a deletion is not blocked by the early connection, adopted or not, and the store then refuses', async () => {
    const dbName = uniqueDbName();
    (await openStore({ dbName })).close();
    const waiting = openEarly(() => indexedDB, dbName);
    await waiting;
    await deleteStore(dbName);
    expect(await databaseNames()).not.toContain(dbName);
    // Deleted while the page held it: the store refuses rather than recreate the database.
    await expect(openStore({ dbName, early: waiting })).rejects.toThrow(/deleted/);
    expect(await databaseNames()).not.toContain(dbName);

    (await openStore({ dbName })).close();
    const early = openEarly(() => indexedDB, dbName);
    const store = await openStore({ dbName, early });
    await deleteStore(dbName);
    await expect(store.count()).rejects.toThrow(/deleted/);
  });

  it('a connection closed before the store took it is replaced by the store’s own', async () => {
    const dbName = uniqueDbName();
    (await openStore({ dbName })).close();
    const early = openEarly(() => indexedDB, dbName);
    (await early)!.db.close();
    const store = await openStore({ dbName, early });
    await store.add([ev('view_item', 'a', Date.now())]);
    expect(await store.count()).toBe(1);
    store.close();
  });
});
