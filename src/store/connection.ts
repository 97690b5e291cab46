import { openDB, wrap } from 'idb';
import { DB_VERSION, upgrade, type DB } from './schema';
import type { EarlyConnection } from './store';

const storeError = (why: string) => new Error(`shelfwise store: ${why}`);

export interface Connection {
  /** Runs `fn` on an open connection, opening it first if needed. */
  run<R>(fn: (db: DB) => Promise<R>): Promise<R>;
  /** Later calls to run() reject. */
  close(): void;
}

/** One lazily (re)opened connection that always gives way to other tabs.
 *
 *  - Another tab upgrading the schema: we close at once (so it is not blocked) and reopen on the next
 *    call, which fails with the browser's VersionError: the newer widget owns the data now.
 *  - The database being deleted (consent denied, here or in another tab): we close and refuse every
 *    later call. Reopening would silently recreate the data the shopper just had erased.
 *  - The browser closing us (site data cleared): reopen on the next call. A call caught in between
 *    fails once with the browser's InvalidStateError; retrying it is not worth its bytes.
 *  - Our own open being blocked by a connection that does not give way (a foreign or frozen one):
 *    nothing to do but wait; the open completes when that connection closes. */
export function connect(name: string, early: Promise<EarlyConnection | null> | null, afterOpen: (db: DB) => Promise<void>): Connection {
  let current: Promise<DB> | null = null;
  let gone: Error | null = null;

  const drop = (reason: Error | null): void => {
    gone ??= reason;
    current?.then((db) => db.close(), () => {});
    current = null;
  };
  // Another tab's upgrade (`next` its version) or a deletion (null): close the very connection
  // asked, even if our bookkeeping has moved on to a newer one.
  const giveWay = (db: IDBDatabase, next: number | null): void => {
    db.close();
    drop(next === null ? storeError('the database was deleted') : null);
  };

  /** The early connection, if it can serve: ours from now on, with the handlers openDB would set. */
  const adopt = async (pending: Promise<EarlyConnection | null>): Promise<DB | null> => {
    const got = await pending.catch(() => null);
    if (got?.deleted) {
      giveWay(got.db, null);
      throw gone;
    }
    const db = got?.db;
    if (!db) return null;
    if (db.name !== name || db.version !== DB_VERSION) {
      db.close();
      return null;
    }
    db.onversionchange = (event) => giveWay(db, event.newVersion);
    db.onclose = () => drop(null);
    try {
      // Closed already (another tab's upgrade or a deletion reached it first): not usable.
      db.transaction('events', 'readonly').abort();
    } catch {
      return null;
    }
    return wrap(db) as DB;
  };

  const open = (): Promise<DB> => {
    const pending = early;
    early = null; // used once: a reopen opens anew
    // Without an early connection the open is asked at once, as before: a deletion asked after it
    // is then served after it (IndexedDB serves requests in order).
    const opening = (pending ? adopt(pending).then((db) => db ?? fresh()) : fresh()).then(async (db) => {
      try {
        await afterOpen(db);
      } catch (error) {
        db.close(); // an unreachable open connection would block other tabs forever
        throw error;
      }
      return db;
    });
    // A failed open is not kept: the next call tries again.
    opening.catch(() => {
      if (current === opening) current = null;
    });
    return opening;
  };

  const fresh = (): Promise<DB> =>
    openDB(name, DB_VERSION, {
      upgrade,
      blocking: (_current, next, event) => giveWay(event.target as IDBDatabase, next),
      terminated: () => drop(null),
    });

  const get = (): Promise<DB> => (gone ? Promise.reject(gone) : (current ??= open()));

  return {
    async run(fn) {
      const db = await get();
      // Deleted while we were opening: say so, rather than fail on the closed connection.
      if (gone) throw gone;
      return fn(db);
    },
    close: () => drop(storeError('closed')),
  };
}
