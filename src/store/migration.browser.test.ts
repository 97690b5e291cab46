import { describe, expect, it } from 'vitest';
import { openStore } from './store';
import { DB_VERSION } from './schema';
import { ev, uniqueDbName } from './test-utils';

/** A database as version 1 of the widget left it: events and state, no dismissed list. */
function openVersion1(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const events = req.result.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
      events.createIndex('ts', 'ts');
      events.createIndex('type', 'type');
      req.result.createObjectStore('state');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function put(db: IDBDatabase, store: string, value: unknown, key?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

describe('store: migration', () => {
  it('takes a version 1 database to the current version, keeping its events and state', async () => {
    expect(DB_VERSION).toBe(2);
    const dbName = uniqueDbName();
    const t = Date.now();
    const old = await openVersion1(dbName);
    await put(old, 'events', ev('view_item', 'kept', t - 5));
    await put(old, 'state', { at: t }, 'personal');
    old.close();

    const store = await openStore({ dbName });
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['kept']);
    expect(await store.getState('personal')).toEqual({ at: t });
    expect(await store.dismissed()).toEqual([]);
    await store.add([ev('shelfwise_dismiss', 'gone', t, { source: 'widget' })]);
    expect((await store.dismissed()).map((d) => d.item_id)).toEqual(['gone']);
    store.close();
  });
});
