import type { EventName } from '../shared/types';

/** GA4 ecommerce events a store's tags (or `shelfwise.push(['track', …])`) may report.
 *  The widget's own events (shelfwise_impression/click) are deliberately absent: a page must not forge them. */
const GA4_EVENTS = {
  view_item_list: 1,
  select_item: 1,
  view_item: 1,
  add_to_wishlist: 1,
  add_to_cart: 1,
  remove_from_cart: 1,
  begin_checkout: 1,
  purchase: 1,
} satisfies Partial<Record<EventName, 1>>;

export type Ga4EventName = keyof typeof GA4_EVENTS;

export function isGa4EventName(name: unknown): name is Ga4EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(GA4_EVENTS, name);
}
