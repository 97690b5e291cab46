import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { DismissedItem, EventName, StoredEvent } from '../shared/types';

export interface ShelfwiseDB extends DBSchema {
  events: { key: number; value: StoredEvent; indexes: { ts: number; type: EventName } };
  /** Out-of-line keys: the model's personal parameters, caches. */
  state: { key: string; value: unknown };
  /** Items the shopper said "Not interested" to, one record per item (the latest dismissal). */
  dismissed: { key: string; value: DismissedItem; indexes: { ts: number } };
}

export type DB = IDBPDatabase<ShelfwiseDB>;
type UpgradeTx = IDBPTransaction<ShelfwiseDB, StoreNames<ShelfwiseDB>[], 'versionchange'>;

/** One step per schema version, applied in order from the version on disk: MIGRATIONS[n] takes
 *  version n to n + 1. Append new steps (never edit old ones) so every old database can catch up;
 *  a step that reshapes records can walk them through `tx`. */
const MIGRATIONS: ((db: DB, tx: UpgradeTx) => void)[] = [
  (db) => {
    const events = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
    events.createIndex('ts', 'ts');
    events.createIndex('type', 'type');
    db.createObjectStore('state');
  },
  // 1 -> 2: the dismissed items. Dismissals are new with this version, so there is nothing to copy.
  (db) => db.createObjectStore('dismissed', { keyPath: 'item_id' }).createIndex('ts', 'ts'),
];

export const DB_VERSION = MIGRATIONS.length;

export function upgrade(db: DB, oldVersion: number, _newVersion: number | null, tx: UpgradeTx): void {
  for (let v = oldVersion; v < DB_VERSION; v++) MIGRATIONS[v]!(db, tx);
}
