// What bounding a store needs of it: a `ts` index and deletion by key (events and dismissed both
// have them; their key types differ, so the shape is stated here rather than taken from idb).
interface Bounded<K> {
  index(name: 'ts'): { getAllKeys(range: IDBKeyRange, count?: number): Promise<NoInfer<K>[]> };
  count(): Promise<number>;
  delete(key: K): Promise<void>;
}

/** Deletes records older than `cutoff`, then the oldest beyond `max`, inside the caller's
 *  transaction, so a concurrent writer (another tab) can never see or leave the store over its bounds.
 *  Keys are fetched in one request each and deleted in a pipeline rather than cursor step by step. */
export async function enforceBounds<K>(store: Bounded<K>, max: number, cutoff: number): Promise<void> {
  const byTs = store.index('ts');
  const [expired, total] = await Promise.all([
    byTs.getAllKeys(IDBKeyRange.upperBound(cutoff, true)),
    store.count(),
  ]);
  const over = total - expired.length - max;
  const oldest = over > 0 ? await byTs.getAllKeys(IDBKeyRange.lowerBound(cutoff), over) : [];
  await Promise.all([...expired, ...oldest].map((key) => store.delete(key)));
}
