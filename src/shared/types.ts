// Types shared by every part of the widget (and, type-only, by the server and tools).
// This file holds no code: importing it never couples two modules at run time.
import type { EventName } from './events';

/** The list of names, and which of them are interest events, is in ./events. */
export type { EventName };

/** A GA4 `items[]` entry, as a store's tags push it (only the fields we use). */
interface Ga4Item {
  item_id: string;
  item_name?: string;
  item_brand?: string;
  item_category?: string;
  item_category2?: string;
  item_category3?: string;
  item_category4?: string;
  item_category5?: string;
  price?: number;
  currency?: string;
}

/** A product the merchant's server offers a slot, in the server's order. */
export interface Candidate extends Ga4Item {
  image?: string;
  url?: string;
  /** The server's own score, if it has one; the widget may ignore it. */
  score?: number;
}

/** One item-level interaction as the store keeps it: one record per item per event. */
export interface StoredEvent {
  /** Auto-increment key, assigned by the store. */
  id?: number;
  type: EventName;
  item_id: string;
  /** Category path, levels joined by '>' (the datasets' format): "Shoes>Running". */
  category: string;
  brand: string;
  name?: string;
  price?: number;
  /** Epoch milliseconds. */
  ts: number;
  /** Where it came from: the site's dataLayer, a `shelfwise.push(['track', …])`, or the widget. */
  source: 'datalayer' | 'command' | 'widget';
  /** For widget events: the slot that showed or was clicked. */
  slot?: string;
}

/** An item the shopper dismissed ("Not interested"): no shelf on this device shows it again. */
export type DismissedItem = Pick<StoredEvent, 'item_id' | 'category' | 'brand' | 'name' | 'ts' | 'slot'>;

/** Why a shelf ranks an item where it does, from the shopper's own history, worked out on the
 *  device ("why this?"). */
export interface Explanation {
  /** The shopper's events that raise the item's score most, strongest first (at most three). */
  because: Pick<StoredEvent, 'type' | 'item_id' | 'category' | 'brand' | 'name'>[];
  /** Whether the long-term personal vector (older history) raises it. */
  longTerm: boolean;
  /** A category path (levels joined by '>') or brand that several of those events share, when
   *  leaving all of them out lowers the score more than leaving out the strongest one alone. */
  pattern?: { kind: 'category' | 'brand'; value: string };
}

export type ConsentState = 'granted' | 'denied' | 'pending';

export type BackendName = 'webgpu' | 'webgl' | 'cpu' | 'none';
