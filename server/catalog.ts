// The demo store's synthetic catalog: deterministic for a seed, so tests, the demo dataset and
// the running store all agree on every id, name, price and popularity.
import {
  ADJECTIVES, AFFINITY_PAIRS, CATEGORY_SPECS, CURRENCY, FIRST_SKU, ITEMS_PER_SUBCATEGORY,
  type CategorySpec, type Shape, type SubcategorySpec,
} from './catalog-data';
import { rng as seeded, pick, shuffle, type Random } from '../src/shared/random';

export interface CatalogItem {
  item_id: string;
  item_name: string;
  item_brand: string;
  /** Top-level category name (GA4 item_category). */
  item_category: string;
  /** Subcategory name (GA4 item_category2). */
  item_category2: string;
  price: number;
  currency: string;
  image: string;
  url: string;
  /** Synthetic all-time popularity (higher = more popular); distinct per item. */
  popularity: number;
}

export interface Subcategory {
  name: string;
  slug: string;
  /** Name of the top-level category. */
  parent: string;
  shape: Shape;
}

export interface Category {
  name: string;
  slug: string;
  color: string;
  brands: string[];
  subcategories: Subcategory[];
}

export interface Catalog {
  seed: number;
  currency: string;
  categories: Category[];
  /** Pairs of top-level category names that shoppers tend to combine. */
  affinities: [string, string][];
  /** Items in id order. */
  items: CatalogItem[];
}

const DEFAULT_CATALOG_SEED = 20240611;

export function slugify(name: string): string {
  return name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function buildCatalog(seed = DEFAULT_CATALOG_SEED): Catalog {
  const rng = seeded(seed);
  const categories = CATEGORY_SPECS.map(toCategory);
  assertUniqueSlugs(categories);
  const items: CatalogItem[] = [];
  for (const spec of CATEGORY_SPECS) {
    for (const sub of spec.subcategories) items.push(...makeItems(rng, spec, sub, FIRST_SKU + items.length));
  }
  assignPopularity(rng, items);
  return { seed, currency: CURRENCY, categories, affinities: AFFINITY_PAIRS.map(([a, b]) => [a, b]), items };
}

let defaultCatalog: Catalog | undefined;

/** The catalog the demo store serves (default seed), built once. */
export function getCatalog(): Catalog {
  defaultCatalog ??= buildCatalog();
  return defaultCatalog;
}

function toCategory(spec: CategorySpec): Category {
  return {
    name: spec.name,
    slug: slugify(spec.name),
    color: spec.color,
    brands: spec.brands.map((b) => b.name),
    subcategories: spec.subcategories.map((s) => ({ name: s.name, slug: slugify(s.name), parent: spec.name, shape: s.shape })),
  };
}

// Top-level and subcategory pages share the /c/<slug> namespace, so every slug must be unique.
function assertUniqueSlugs(categories: Category[]): void {
  const slugs = categories.flatMap((c) => [c.slug, ...c.subcategories.map((s) => s.slug)]);
  if (new Set(slugs).size !== slugs.length) throw new Error('catalog: duplicate category slug');
}

function makeItems(rng: Random, spec: CategorySpec, sub: SubcategorySpec, firstSku: number): CatalogItem[] {
  const names = shuffle(ADJECTIVES.flatMap((adj) => sub.nouns.map((noun) => `${adj} ${noun}`)), rng);
  return names.slice(0, ITEMS_PER_SUBCATEGORY).map((name, i) => {
    const brand = pick(spec.brands, rng);
    const id = `SKU-${firstSku + i}`;
    return {
      item_id: id,
      item_name: name,
      item_brand: brand.name,
      item_category: spec.name,
      item_category2: sub.name,
      price: makePrice(rng, sub.price, brand.tier),
      currency: CURRENCY,
      image: `/img/${id}.png`,
      url: `/p/${id}`,
      popularity: 0,
    };
  });
}

/** Shop-style prices (39.99): skewed towards the cheap end of the range, scaled by brand tier. */
function makePrice(rng: Random, [lo, hi]: [number, number], tier: number): number {
  const raw = (lo + (hi - lo) * rng() ** 1.3) * tier;
  return Math.round(Math.max(5, Math.round(raw)) * 100 - 1) / 100;
}

// Weighted random order (exponential race): categories interleave in the ranking instead of
// clustering, so a popularity shelf spans the whole store. Popularity falls off like a power law,
// plus a rank term that keeps every value distinct (stable, tie-free ordering).
function assignPopularity(rng: Random, items: CatalogItem[]): void {
  const appeal = new Map(CATEGORY_SPECS.map((c) => [c.name, c.appeal]));
  const keyed = items.map((item) => ({ item, key: -Math.log(1 - rng()) / (appeal.get(item.item_category) ?? 1) }));
  keyed.sort((a, b) => a.key - b.key);
  keyed.forEach(({ item }, rank) => {
    item.popularity = Math.round(9000 / (rank + 1) ** 0.75) + (items.length - rank);
  });
}

/** Copy sorted by popularity, most popular first. */
export function byPopularity<T extends { popularity: number }>(items: readonly T[]): T[] {
  return items.slice().sort((a, b) => b.popularity - a.popularity);
}

/** Category path as the datasets write it: "Shoes>Running Shoes". */
export function categoryPath(item: Pick<CatalogItem, 'item_category' | 'item_category2'>): string {
  return `${item.item_category}>${item.item_category2}`;
}

/** Top-level categories paired with `top` in the catalog's affinities. */
export function affinityPartners(catalog: Catalog, top: string): string[] {
  return catalog.affinities.flatMap(([a, b]) => (a === top ? [b] : b === top ? [a] : []));
}

interface CatalogIndex {
  byId: Map<string, CatalogItem>;
  bySlug: Map<string, { category: Category; subcategory?: Subcategory }>;
}

const indexes = new WeakMap<Catalog, CatalogIndex>();

function indexOf(catalog: Catalog): CatalogIndex {
  let index = indexes.get(catalog);
  if (!index) {
    const bySlug = new Map<string, { category: Category; subcategory?: Subcategory }>();
    for (const category of catalog.categories) {
      bySlug.set(category.slug, { category });
      for (const subcategory of category.subcategories) bySlug.set(subcategory.slug, { category, subcategory });
    }
    index = { byId: new Map(catalog.items.map((i) => [i.item_id, i])), bySlug };
    indexes.set(catalog, index);
  }
  return index;
}

export function findItem(catalog: Catalog, id: string): CatalogItem | undefined {
  return indexOf(catalog).byId.get(id);
}

/** Resolves a /c/<slug> slug to its top-level category and, for a subcategory slug, the subcategory. */
export function findCategory(catalog: Catalog, slug: string): { category: Category; subcategory?: Subcategory } | undefined {
  return indexOf(catalog).bySlug.get(slug);
}

function findTopCategory(catalog: Catalog, name: string): Category | undefined {
  return catalog.categories.find((c) => c.name === name);
}

export function findSubcategory(catalog: Catalog, top: string, sub: string): Subcategory | undefined {
  return findTopCategory(catalog, top)?.subcategories.find((s) => s.name === sub);
}
