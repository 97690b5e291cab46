// The shopper's history as the model reads it, from the store's records.
import type { EventLike } from '../model/plain/features';
import type { StoredEvent } from '../shared/types';

/** How many recent records to read: comfortably more than any model's window of interest events. */
export const HISTORY_READ = 300;

export function toModelEvents(records: readonly StoredEvent[]): EventLike[] {
  return records.map((r) => ({ type: r.type, item_id: r.item_id, category: r.category, brand: r.brand }));
}
