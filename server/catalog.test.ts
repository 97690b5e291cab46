import { describe, expect, it } from 'vitest';
import {
  affinityPartners, buildCatalog, byPopularity, categoryPath, findCategory, findItem, getCatalog, slugify,
} from './catalog';

describe('catalog', () => {
  const catalog = getCatalog();

  it('is deterministic for a seed and changes with the seed', () => {
    expect(buildCatalog(7)).toEqual(buildCatalog(7));
    expect(JSON.stringify(buildCatalog(7))).toBe(JSON.stringify(buildCatalog(7)));
    expect(buildCatalog(8).items.map((i) => i.item_name)).not.toEqual(buildCatalog(7).items.map((i) => i.item_name));
  });

  it('has about 240 items in 8 top categories of 3 subcategories, 2-4 brands each', () => {
    expect(catalog.items).toHaveLength(240);
    expect(catalog.categories).toHaveLength(8);
    for (const c of catalog.categories) {
      expect(c.subcategories).toHaveLength(3);
      expect(c.brands.length).toBeGreaterThanOrEqual(2);
      expect(c.brands.length).toBeLessThanOrEqual(4);
      const items = catalog.items.filter((i) => i.item_category === c.name);
      expect(items.length).toBe(30);
      expect(new Set(items.map((i) => i.item_category2))).toEqual(new Set(c.subcategories.map((s) => s.name)));
      for (const i of items) expect(c.brands).toContain(i.item_brand);
    }
  });

  it('gives every item GA4 fields, image, url and a unique id, name and popularity', () => {
    for (const item of catalog.items) {
      expect(item.item_id).toMatch(/^SKU-\d{4}$/);
      expect(item.item_name).toMatch(/^[A-Z][\w'-]*( [\w'-]+)+$/);
      expect(item.currency).toBe('EUR');
      expect(item.price).toBeGreaterThan(0);
      expect(Math.round(item.price * 100) / 100).toBe(item.price);
      expect(item.image).toBe(`/img/${item.item_id}.png`);
      expect(item.url).toBe(`/p/${item.item_id}`);
      expect(item.popularity).toBeGreaterThan(0);
    }
    const unique = (key: 'item_id' | 'item_name' | 'popularity') => new Set(catalog.items.map((i) => i[key])).size;
    expect(unique('item_id')).toBe(240);
    expect(unique('item_name')).toBe(240);
    expect(unique('popularity')).toBe(240);
  });

  it('interleaves categories in the popularity ranking', () => {
    const top50 = byPopularity(catalog.items).slice(0, 50);
    expect(new Set(top50.map((i) => i.item_category)).size).toBeGreaterThanOrEqual(6);
    const top10 = byPopularity(catalog.items).slice(0, 10);
    expect(new Set(top10.map((i) => i.item_category)).size).toBeGreaterThanOrEqual(4);
  });

  it('has unique slugs that resolve to their categories', () => {
    const slugs = catalog.categories.flatMap((c) => [c.slug, ...c.subcategories.map((s) => s.slug)]);
    expect(new Set(slugs).size).toBe(32);
    expect(slugify('Cobble & Co')).toBe('cobble-and-co');
    expect(findCategory(catalog, 'shoes')?.category.name).toBe('Shoes');
    expect(findCategory(catalog, 'shoes')?.subcategory).toBeUndefined();
    expect(findCategory(catalog, 'running-shoes')?.subcategory?.name).toBe('Running Shoes');
    expect(findCategory(catalog, 'running-shoes')?.category.name).toBe('Shoes');
    expect(findCategory(catalog, 'nope')).toBeUndefined();
  });

  it('pairs every top category with one affinity partner', () => {
    const names = catalog.categories.map((c) => c.name);
    expect(catalog.affinities.flat().sort()).toEqual(names.slice().sort());
    expect(affinityPartners(catalog, 'Outdoor')).toEqual(['Shoes']);
    expect(affinityPartners(catalog, 'Home')).toEqual(['Kitchen']);
    expect(affinityPartners(catalog, 'Apparel')).toEqual(['Beauty']);
    expect(affinityPartners(catalog, 'Toys')).toEqual(['Electronics']);
  });

  it('finds items and writes category paths', () => {
    const item = findItem(catalog, 'SKU-1001')!;
    expect(item.item_id).toBe('SKU-1001');
    expect(categoryPath(item)).toBe(`${item.item_category}>${item.item_category2}`);
    expect(findItem(catalog, 'SKU-9999')).toBeUndefined();
    expect(findItem(catalog, 'constructor')).toBeUndefined();
  });
});
