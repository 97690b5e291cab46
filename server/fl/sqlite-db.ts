// The SQLite side the leader's and the helper's stores share: a database file opened for durable
// commits, and async transaction bodies over the synchronous better-sqlite3.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens (creating it and its folder if needed) a WAL database whose commits are synced, so an
 *  acknowledged write survives a crash, and applies `schema`. */
export function openSqlite(path: string, schema: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}

/** A queue runs one body at a time, each between BEGIN IMMEDIATE and COMMIT (ROLLBACK when it throws). */
export function queuedTransactions<Tx>(db: Database.Database, tx: Tx): <T>(fn: (t: Tx) => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: (t: Tx) => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(tx);
        db.exec('COMMIT');
        return out;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    });
    queue = run.catch(() => {});
    return run;
  };
}
