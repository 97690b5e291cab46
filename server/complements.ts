// The demo store's "frequently bought together": co-purchase lift over its shoppers' baskets (what
// each generated shopper put in the cart or bought in one visit), and the cross-sell order around
// context items: complements from other subcategories, never substitutes of a context item.
import { generateDemoDataset, type DemoEvent } from '../tools/demo-data';
import { byPopularity, type Catalog, type CatalogItem } from './catalog';
import { addComplementScores, coPurchase, sessionBaskets } from './co-purchase';

const BASKET_EVENTS = new Set<DemoEvent['event_type']>(['add_to_cart', 'purchase']);

export interface Complements {
  /** Items bought with the context items (lift above 1), best first; none of a context item's subcategory. */
  around(context: readonly CatalogItem[]): CatalogItem[];
}

/**
 * Complements learned from the given shoppers' events (grouped by shopper, in time order). A pair
 * of items is rarely bought together often enough to count on its own, so lift is measured twice:
 * between items and between subcategories. An item's score is its excess lift with the context
 * items plus its subcategory's with theirs; items with neither are not complements.
 */
export function complementsFrom(catalog: Catalog, events: readonly DemoEvent[]): Complements {
  const index = new Map(catalog.items.map((item, i) => [item.item_id, i]));
  const subs = new Map<string, number>();
  const subOf = Int32Array.from(catalog.items, (item) => {
    const key = subcategoryKey(item);
    if (!subs.has(key)) subs.set(key, subs.size);
    return subs.get(key)!;
  });
  const bought = events.filter((e) => BASKET_EVENTS.has(e.event_type) && index.has(e.item_id));
  const baskets = sessionBaskets(bought.map((e) => ({ user: e.user_id, item: index.get(e.item_id)!, ts: e.timestamp })));
  const items = coPurchase(baskets, catalog.items.length);
  const groups = coPurchase(baskets.map((b) => b.map((i) => subOf[i])), subs.size);
  const rank = new Map(byPopularity(catalog.items).map((item, r) => [item, r]));
  return {
    around(context) {
      const at = context.map((c) => index.get(c.item_id)!);
      const scores = new Float64Array(catalog.items.length);
      addComplementScores(items, at, scores);
      const groupScores = new Float64Array(subs.size);
      addComplementScores(groups, at.map((i) => subOf[i]), groupScores);
      const substitutes = new Set(at.map((i) => subOf[i]));
      const score = (i: number) => (substitutes.has(subOf[i]) ? 0 : scores[i] + groupScores[subOf[i]]);
      return catalog.items
        .map((item, i) => ({ item, s: score(i) }))
        .filter(({ s }) => s > 0)
        .sort((a, b) => b.s - a.s || rank.get(a.item)! - rank.get(b.item)!)
        .map(({ item }) => item);
    },
  };
}

function subcategoryKey(item: CatalogItem): string {
  return `${item.item_category}>${item.item_category2}`;
}

const built = new WeakMap<Catalog, Complements>();

/** The store's complements, from its generated shoppers (built on first use, about half a second). */
export function demoComplements(catalog: Catalog): Complements {
  let c = built.get(catalog);
  if (!c) {
    c = complementsFrom(catalog, generateDemoDataset({ catalog }).events);
    built.set(catalog, c);
  }
  return c;
}
