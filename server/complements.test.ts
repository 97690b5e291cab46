import { describe, expect, it } from 'vitest';
import type { DemoEvent } from '../tools/demo-data';
import { COMPLEMENT_SUBCATEGORIES } from './catalog-data';
import { getCatalog, type CatalogItem } from './catalog';
import { complementsFrom, demoComplements } from './complements';

const catalog = getCatalog();
const inSub = (sub: string) => catalog.items.filter((i) => i.item_category2 === sub);
const HOUR = 3_600_000;

/** One visit a basket: each shopper carts the given items, a visit every two hours. */
function visits(baskets: CatalogItem[][]): DemoEvent[] {
  return baskets.flatMap((basket, v) =>
    basket.map((item, k) => ({ user_id: `u${v % 3}`, item_id: item.item_id, timestamp: v * 2 * HOUR + k * 1000, event_type: 'add_to_cart' as const })),
  );
}

describe('complementsFrom', () => {
  const [tent, otherTent] = inSub('Tents');
  const [lamp, stove] = inSub('Camping Gear');
  const [boot] = inSub('Boots');
  const [tee] = inSub('T-Shirts');
  const [mug] = inSub('Coffee');
  // Tents go with lamps and stoves, and (as an item) with one boot; tees and mugs fill other baskets.
  const baskets = [
    ...Array(4).fill([tent, lamp]),
    ...Array(3).fill([otherTent, stove]),
    [tent, boot],
    [tent, boot],
    [tent, otherTent],
    ...Array(6).fill([tee]),
    ...Array(6).fill([mug]),
    [boot, tee],
  ];
  const complements = complementsFrom(catalog, visits(baskets));

  it('orders other subcategories by co-purchase lift: item pairs on top of their subcategory', () => {
    const around = complements.around([tent]);
    expect(around[0]).toBe(lamp);
    expect(around.slice(0, 11).map((i) => i.item_category2)).toEqual([...Array<string>(10).fill('Camping Gear'), 'Boots']);
    expect(around).toContain(stove);
    expect(around.filter((i) => i.item_category2 === 'Boots')[0]).toBe(boot);
  });

  it('never offers a context item, its subcategory, or what is not bought with it', () => {
    const around = complements.around([tent, tee]);
    const subs = new Set(around.map((i) => i.item_category2));
    expect(subs.has('Tents')).toBe(false);
    expect(subs.has('T-Shirts')).toBe(false);
    expect(subs.has('Coffee')).toBe(false);
    expect(complements.around([mug])).toEqual([]);
  });

  it('counts only carts and purchases, one basket a visit', () => {
    const views = visits(baskets).map((e) => ({ ...e, event_type: 'view_item' as const }));
    expect(complementsFrom(catalog, views).around([tent])).toEqual([]);
    // The same carts an hour apart, each its own visit: nothing was bought together.
    const apart = visits(baskets).map((e, i) => ({ ...e, user_id: 'solo', timestamp: i * HOUR }));
    expect(complementsFrom(catalog, apart).around([tent])).toEqual([]);
  });
});

describe('demoComplements', () => {
  it("learns the generated shoppers' complements from their baskets", () => {
    const complements = demoComplements(catalog);
    expect(demoComplements(catalog)).toBe(complements);
    for (const sub of ['Tents', 'Skincare', 'Knives']) {
      const around = complements.around([inSub(sub)[0]!]);
      const expected = new Set(COMPLEMENT_SUBCATEGORIES[sub]);
      // A shelf's worth of the best is from the subcategories the shoppers bought with it.
      expect(around.slice(0, 8).filter((i) => !expected.has(i.item_category2)), sub).toEqual([]);
      expect(around.some((i) => i.item_category2 === sub)).toBe(false);
    }
  });
});
