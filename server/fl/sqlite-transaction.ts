// better-sqlite3 is synchronous, but the stores' transaction bodies are async: a queue runs one
// body at a time, each between BEGIN IMMEDIATE and COMMIT (ROLLBACK when it throws).
import type Database from 'better-sqlite3';

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
