// A cross-sell shelf's context on the device: the items the shelf should go with (the cart, or
// the product shown). The model ranks after them: where they are not the shopper's newest events
// already (a cart filled before the shopper browsed on), they are added as the newest add-to-cart
// events. Re-reading or repeating newest events as carts did not rank better (docs/experiments.md),
// so they are left as they are. The shelf offers none of them and nothing of their subcategories:
// complements, not substitutes.
import { categoryTokens, type ItemLike } from '../model/plain/features';
import type { HistoryEvent } from '../worker/history';

/** The history ending with the context items: unchanged when they are among its newest events,
 *  else with them added as add-to-cart events, each with the features the history knows it by. */
export function withContext(history: readonly HistoryEvent[], context: readonly string[]): readonly HistoryEvent[] {
  if (!context.length) return history;
  const known = new Map<string, HistoryEvent>();
  for (const e of history) known.set(e.item_id, e);
  const newest = new Set(history.slice(-context.length).map((e) => e.item_id));
  if (context.every((id) => newest.has(id))) return history;
  const added = context.map((item_id): HistoryEvent => {
    const e = known.get(item_id);
    return { type: 'add_to_cart', item_id, category: e?.category ?? '', brand: e?.brand ?? '' };
  });
  return [...history, ...added];
}

/** Which of `items` a cross-sell shelf may offer: none of the context items, nothing of a context
 *  item's subcategory (as the history knows the context item). */
export function complementMask(items: readonly ItemLike[], history: readonly HistoryEvent[], context: readonly string[]): boolean[] {
  if (!context.length) return items.map(() => true);
  const ids = new Set(context);
  const subcategories = new Set<string>();
  for (const e of history) {
    const sub = subcategoryOf(e);
    if (ids.has(e.item_id) && sub) subcategories.add(sub);
  }
  return items.map((item) => !ids.has(item.item_id) && !subcategories.has(subcategoryOf(item) ?? ''));
}

/** "Top>Sub" of an item's category path, or "Top" where the path has one level. */
function subcategoryOf(item: ItemLike): string | undefined {
  const [top, sub] = categoryTokens(item.category, 2);
  return sub || top || undefined;
}
