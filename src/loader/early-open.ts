// A returning shopper's database is opened while the store's code downloads: IndexedDB takes tens
// of milliseconds to answer an open (hundreds while the page itself loads), and a shelf's
// candidates are often in hand before then. No version is asked for, so an existing database opens
// as it is and nothing is upgraded here; where there is none yet, the creation is aborted, so this
// never creates one: the store does, with its schema. The store checks what it is given
// (src/store/connection.ts) and opens its own connection if this one cannot serve.

import type { EarlyConnection } from '../store';

/** The open connection, or null where there is no database yet or the open fails. Never throws. */
export function openEarly(idb: () => IDBFactory, name: string): Promise<EarlyConnection | null> {
  return new Promise((resolve) => {
    try {
      // Reading `indexedDB` can itself throw (some sandboxed frames): inside the try.
      const req = idb().open(name);
      req.onupgradeneeded = () => req.transaction?.abort();
      req.onsuccess = () => {
        const early: EarlyConnection = { db: req.result, deleted: false };
        // Until the store adopts it, it gives way to any other tab's upgrade or deletion.
        early.db.onversionchange = (event) => {
          early.db.close();
          early.deleted ||= event.newVersion === null;
        };
        resolve(early);
      };
      req.onerror = (event) => {
        event.preventDefault();
        resolve(null);
      };
    } catch {
      resolve(null);
    }
  });
}
