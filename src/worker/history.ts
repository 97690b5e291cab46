// The shopper's history as the model reads it, from the store's records. The page (ranking) and
// the worker (learning) read it the same way, so a personal vector fitted on one history length
// is compared with the same count on the next page.
import type { EventLike } from '../model/plain/features';
import { isInterest } from '../shared/events';
import type { StoredEvent } from '../shared/types';
import type { Store } from '../store';

/** How many recent records to read: comfortably more than any model's window of interest events. */
export const HISTORY_READ = 300;

/** An interest event with its store record id (ids only grow: a federated contribution tells what
 *  is new since the last by them) and the product's name, for explanations. */
export type HistoryEvent = EventLike & { id?: number; name?: string };

export function toModelEvents(records: readonly StoredEvent[]): HistoryEvent[] {
  return records
    .filter((r) => isInterest(r.type))
    .map((r) => ({ type: r.type, item_id: r.item_id, category: r.category, brand: r.brand, id: r.id, name: r.name }));
}

/** The interest events among the newest HISTORY_READ records, oldest first. */
export async function readHistory(store: Pick<Store, 'recent'>): Promise<HistoryEvent[]> {
  return toModelEvents(await store.recent({ limit: HISTORY_READ }));
}
