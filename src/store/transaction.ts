import type { IDBPTransaction, StoreNames } from 'idb';
import type { DB, ShelfwiseDB } from './schema';

/** Runs `fn` in a transaction and resolves once the transaction has committed. Always awaiting
 *  `tx.done` matters: idb rejects it on abort, and an un-awaited rejection would surface in the
 *  host page as an unhandled rejection. */
export async function inTx<N extends StoreNames<ShelfwiseDB>, M extends IDBTransactionMode, R>(
  db: DB,
  name: N,
  mode: M,
  fn: (tx: IDBPTransaction<ShelfwiseDB, [N], M>) => Promise<R>,
): Promise<R> {
  const tx = db.transaction(name, mode);
  const [result] = await Promise.all([fn(tx), tx.done]);
  return result;
}
