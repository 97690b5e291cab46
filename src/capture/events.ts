import type { StoredEvent } from '../shared/types';
import { isGa4EventName } from '../shared/events';
import { parseItem } from './item';

/** Most items one event yields. A category page's view_item_list can push hundreds;
 *  the ones beyond the first screenful say little about the shopper. */
export const MAX_ITEMS_PER_EVENT = 50;
/** Bounds the work on absurd arrays even when most entries are junk. */
const MAX_ITEMS_SCANNED = MAX_ITEMS_PER_EVENT * 4;

export type Clock = () => number;

/** An event name plus GA4 params (`{ items: [...] }`) -> one record per distinct item.
 *  Never throws: tags push arbitrary objects (getters, proxies), and junk simply yields []. */
export function toStoredEvents(
  name: unknown,
  params: unknown,
  source: StoredEvent['source'],
  now: Clock,
): StoredEvent[] {
  try {
    if (!isGa4EventName(name) || typeof params !== 'object' || params === null) return [];
    const items = (params as { items?: unknown }).items;
    if (!Array.isArray(items)) return [];
    const ts = now();
    if (!Number.isFinite(ts)) return [];
    const out: StoredEvent[] = [];
    const seen = new Set<string>();
    const scan = Math.min(items.length, MAX_ITEMS_SCANNED);
    for (let i = 0; i < scan && out.length < MAX_ITEMS_PER_EVENT; i++) {
      const fields = parseItem(items[i]);
      // A list that shows the same product twice is still one interaction with it.
      if (!fields || seen.has(fields.item_id)) continue;
      seen.add(fields.item_id);
      out.push({ type: name, ...fields, ts, source });
    }
    return out;
  } catch {
    return [];
  }
}
