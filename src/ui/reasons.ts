// A "Why this?" explanation in the shopper's words: the strongest of their own events first, then
// a pattern or the next event; "popular in this store" when the shelf is in the server's order or
// nothing in the history raised the item.
import type { EventName, Explanation } from '../shared/types';
import { format, type MessageKey, type Messages } from './messages';

const REASON: Partial<Record<EventName, MessageKey>> = {
  view_item: 'reasonView',
  select_item: 'reasonSelect',
  shelfwise_click: 'reasonSelect',
  add_to_wishlist: 'reasonWishlist',
  add_to_cart: 'reasonCart',
  begin_checkout: 'reasonCheckout',
  purchase: 'reasonPurchase',
};

/** At most two sentences; never none. */
export function reasonTexts(x: Explanation | null | undefined, m: Messages): string[] {
  const events = x?.because ?? [];
  const sentence = (e: Explanation['because'][number]) => format(m[REASON[e.type] ?? 'reasonView'], { name: e.name || m.unnamedItem });
  if (!events.length) return [x?.longTerm ? m.reasonEarlier : m.reasonPopular];
  const out = [sentence(events[0])];
  const p = x!.pattern;
  if (p) out.push(p.kind === 'category' ? format(m.reasonCategory, { category: p.value.split('>').join(' > ') }) : format(m.reasonBrand, { brand: p.value }));
  else if (events[1]) out.push(sentence(events[1]));
  return out;
}
