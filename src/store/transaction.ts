import type { IDBPTransaction, StoreNames } from 'idb';
import type { DB, ShelfwiseDB } from './schema';

type Name = StoreNames<ShelfwiseDB>;

/** Runs `fn` in a transaction and resolves once the transaction has committed. Always awaiting
 *  `tx.done` matters: idb rejects it on abort, and an un-awaited rejection would surface in the
 *  host page as an unhandled rejection. */
export async function inTx<N extends Name, M extends IDBTransactionMode, R>(
  db: DB,
  name: N,
  mode: M,
  fn: (tx: IDBPTransaction<ShelfwiseDB, [N], M>) => Promise<R>,
): Promise<R> {
  return inTxOf(db, [name] as [N], mode, fn);
}

/** inTx over several object stores at once (one atomic commit). */
export async function inTxOf<N extends Name[], M extends IDBTransactionMode, R>(
  db: DB,
  names: N,
  mode: M,
  fn: (tx: IDBPTransaction<ShelfwiseDB, N, M>) => Promise<R>,
): Promise<R> {
  const tx = db.transaction(names, mode);
  const [result] = await Promise.all([fn(tx), tx.done]);
  return result;
}
