// The newest `limit` records of an index over time, in time order (ties in key order). A page
// reads them between a shelf's candidates and its order, where each request answers a task later
// (12-18 ms on a loading page here): where the browser's getAll takes a direction (Chromium 141+,
// with getAllRecords), one request reads them from the newest end; elsewhere a key cursor finds the
// limit-th newest time (two requests) and getAll reads from there.

/** The part of an index (idb's or IndexedDB's, by key time) this needs. */
export interface ByTime<T> {
  getAll(query?: IDBKeyRange | null, count?: number): Promise<T[]>;
  openKeyCursor(query: null, direction: 'prev'): Promise<KeyCursor | null>;
}

interface KeyCursor {
  key: unknown;
  advance(n: number): Promise<KeyCursor | null>;
}

type FromEnd<T> = { getAll(options: { query: IDBKeyRange; count: number; direction: 'prev' }): Promise<T[]> };

/** Whether this browser's getAll takes options (they came with getAllRecords). */
export const getAllTakesDirection = typeof IDBIndex !== 'undefined' && 'getAllRecords' in IDBIndex.prototype;

/** Records at or after `since`, the newest `limit` of them (`limit` ≥ 0, finite). */
export async function newestIn<T>(byTs: ByTime<T>, since: number, limit: number, fromEnd = getAllTakesDirection): Promise<T[]> {
  if (limit === 0) return []; // a count of 0 would mean "all" to getAll
  if (fromEnd) return (await (byTs as unknown as FromEnd<T>).getAll({ query: IDBKeyRange.lowerBound(since), count: limit, direction: 'prev' })).reverse();
  const all = await byTs.getAll(IDBKeyRange.lowerBound(Math.max(since, await nthNewestTime(byTs, limit))));
  return all.slice(Math.max(0, all.length - limit));
}

/** The time of the n-th newest record (n ≥ 1; keys only, one cursor jump), or -Infinity when there are fewer. */
async function nthNewestTime(byTs: ByTime<unknown>, n: number): Promise<number> {
  const first = await byTs.openKeyCursor(null, 'prev');
  const nth = first && n > 1 ? await first.advance(n - 1) : first;
  return nth ? (nth.key as number) : -Infinity;
}
