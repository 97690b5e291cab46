// What the widget keeps in the browser, read directly (IndexedDB `shelfwise`, localStorage),
// so a test checks what is really stored rather than what the widget reports.
import { expect, type Page } from '@playwright/test';
import { CONSENT_KEY, DB_NAME } from '../../src/shared/storage-keys';
import type { StoredEvent } from '../../src/shared/types';

/** A stored event as read back from IndexedDB: the store has given it its record id. */
export type StoredEventRow = StoredEvent & { id: number };

export function hasDatabase(page: Page): Promise<boolean> {
  return page.evaluate(async (name) => (await indexedDB.databases()).some((d) => d.name === name), DB_NAME);
}

/**
 * Every stored event, or [] when there is no database. Opening a database that does not exist
 * would create it (and break the widget's own schema upgrade), so creation is aborted; the
 * connection is closed at once so a pending deletion (consent denied) is never blocked.
 */
export function storedEvents(page: Page): Promise<StoredEventRow[]> {
  return readObjectStore<StoredEventRow>(page, 'events', 'getAll');
}

/** An object store's records (or keys), or [] when there is no such database or store. */
export function readObjectStore<T>(page: Page, store: string, read: 'getAll' | 'getAllKeys'): Promise<T[]> {
  return page.evaluate(async ({ name, store, read }) => {
    if (!(await indexedDB.databases()).some((d) => d.name === name)) return [];
    const db = await new Promise<IDBDatabase | null>((resolve) => {
      const req = indexedDB.open(name);
      req.onupgradeneeded = () => req.transaction!.abort();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    });
    if (!db) return [];
    try {
      if (!db.objectStoreNames.contains(store)) return [];
      const req = db.transaction(store).objectStore(store)[read]();
      return await new Promise<unknown[]>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result as unknown[]);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  }, { name: DB_NAME, store, read }) as Promise<T[]>;
}

/** Waits until an event of `type` (for `itemId`, if given) is in IndexedDB; returns it. */
export async function waitForStored(page: Page, type: string, itemId?: string): Promise<StoredEventRow> {
  let found: StoredEventRow | undefined;
  await expect
    .poll(async () => (found = (await storedEvents(page)).find((e) => e.type === type && (!itemId || e.item_id === itemId))), {
      message: `a stored ${type}${itemId ? ` for ${itemId}` : ''}`,
    })
    .toBeDefined();
  return found!;
}

export function consentChoice(page: Page): Promise<string | null> {
  return page.evaluate((key) => localStorage.getItem(key), CONSENT_KEY);
}

/** Keys the widget holds in localStorage and sessionStorage (all start with "shelfwise"). */
export function webStorageKeys(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [localStorage, sessionStorage].flatMap((store) => Object.keys(store).filter((k) => k.startsWith('shelfwise'))),
  );
}

/** The widget's `state` object store (scores, offered items, personal vector, federated marker),
 *  as JSON, or '' when there is none. Typed arrays come out as index objects, which is enough to search it. */
export function storedStateJson(page: Page): Promise<string> {
  return page.evaluate(async (name) => {
    if (!(await indexedDB.databases()).some((d) => d.name === name)) return '';
    const db = await new Promise<IDBDatabase | null>((resolve) => {
      const req = indexedDB.open(name);
      req.onupgradeneeded = () => req.transaction!.abort();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    });
    if (!db) return '';
    try {
      if (!db.objectStoreNames.contains('state')) return '';
      const store = db.transaction('state').objectStore('state');
      const [keys, values] = await Promise.all(
        [store.getAllKeys(), store.getAll()].map(
          (req) =>
            new Promise<unknown[]>((resolve, reject) => {
              req.onsuccess = () => resolve(req.result);
              req.onerror = () => reject(req.error);
            }),
        ),
      );
      return JSON.stringify(keys.map((k, i) => [k, values[i]]));
    } finally {
      db.close();
    }
  }, DB_NAME);
}
