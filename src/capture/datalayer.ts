import type { StoredEvent } from '../shared/types';
import { argsList } from './args';
import { toStoredEvents, type Clock } from './events';

/** One dataLayer entry -> item-level events. Understands both push styles:
 *  GTM objects `{ event: 'view_item', ecommerce: { items } }` and gtag `['event', 'view_item', { items }]`.
 *  Everything else (gtm.js, page_view, `{ ecommerce: null }`, consent, config, junk) yields []. */
export function eventsFromDataLayer(entry: unknown, now: Clock = Date.now): StoredEvent[] {
  try {
    const args = argsList(entry);
    if (args) return args[0] === 'event' ? toStoredEvents(args[1], args[2], 'datalayer', now) : [];
    if (typeof entry !== 'object' || entry === null) return [];
    const { event, ecommerce } = entry as { event?: unknown; ecommerce?: unknown };
    return toStoredEvents(event, ecommerce, 'datalayer', now);
  } catch {
    return [];
  }
}
