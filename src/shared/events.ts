// The event names the widget knows, defined once: what capture accepts from a page, what the store
// keeps, and which of them the model reads as interest. Pure data, no dependencies: the loader, the
// store, the worker, the server and the tools all import it.

/** GA4 ecommerce events a store's tags (or `shelfwise.push(['track', …])`) may report. */
const GA4_EVENTS = [
  'view_item_list',
  'select_item',
  'view_item',
  'add_to_wishlist',
  'add_to_cart',
  'remove_from_cart',
  'begin_checkout',
  'purchase',
] as const;

/** The widget's own interactions. Only the widget records them: capture accepts GA4 names alone,
 *  so a page cannot forge them. `shelfwise_dismiss` is the shopper's "Not interested" on a card. */
const WIDGET_EVENTS = ['shelfwise_impression', 'shelfwise_click', 'shelfwise_dismiss'] as const;

type Ga4EventName = (typeof GA4_EVENTS)[number];
export type EventName = Ga4EventName | (typeof WIDGET_EVENTS)[number];

// Pure: a bundle that does not use a set (the loader) drops it and its names.
function oneOf<T extends string>(...lists: (readonly T[])[]): (v: unknown) => v is T {
  const known = new Set<unknown>(lists.flat());
  return (v): v is T => known.has(v);
}

export const isGa4EventName = /* @__PURE__ */ oneOf(GA4_EVENTS);
export const isEventName = /* @__PURE__ */ oneOf<EventName>(GA4_EVENTS, WIDGET_EVENTS);

/** Interest events the model reads, by row of its event-type embedding; everything else
 *  (impressions, list views, removals) is not a sign of interest in that one item. Row 0 is
 *  padding. Trained weights depend on these rows: changing one invalidates every shipped model.
 *  A dismissal is no row here: the encoder never reads it, learning uses it as a negative. */
export const INTEREST_ROWS = {
  view_item: 1,
  select_item: 2,
  shelfwise_click: 2,
  add_to_wishlist: 3,
  add_to_cart: 4,
  begin_checkout: 4,
  purchase: 5,
} as const satisfies Partial<Record<EventName, number>>;

/** Rows of the event-type embedding: the largest row above, plus padding. */
export const EVENT_TYPE_ROWS = 6;

export type InterestEventName = keyof typeof INTEREST_ROWS;

export const INTEREST_EVENTS = Object.keys(INTEREST_ROWS) as InterestEventName[];

export const isInterest = /* @__PURE__ */ oneOf(INTEREST_EVENTS);

/** The embedding row of an event type; 0 (padding) for one that is not an interest event. */
export function interestRow(type: string): number {
  return isInterest(type) ? INTEREST_ROWS[type] : 0;
}

/** The shopper's "Not interested": learning takes it as a strong negative, every shelf drops the item. */
export const DISMISS_EVENT = 'shelfwise_dismiss' satisfies EventName;
