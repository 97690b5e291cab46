import type { IDBPObjectStore } from 'idb';
import type { ShelfwiseDB } from './schema';

type EventsStore = IDBPObjectStore<ShelfwiseDB, ['events'], 'events', 'readwrite'>;

/** Deletes records older than `cutoff`, then the oldest beyond `maxEvents`, inside the caller's
 *  transaction, so a concurrent writer (another tab) can never see or leave the store over its bounds.
 *  Keys are fetched in one request each and deleted in a pipeline rather than cursor step by step. */
export async function enforceBounds(store: EventsStore, maxEvents: number, cutoff: number): Promise<void> {
  const byTs = store.index('ts');
  const [expired, total] = await Promise.all([
    byTs.getAllKeys(IDBKeyRange.upperBound(cutoff, true)),
    store.count(),
  ]);
  const over = total - expired.length - maxEvents;
  const oldest = over > 0 ? await byTs.getAllKeys(IDBKeyRange.lowerBound(cutoff), over) : [];
  await Promise.all([...expired, ...oldest].map((key) => store.delete(key)));
}
