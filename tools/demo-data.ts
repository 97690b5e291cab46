// Synthetic shoppers for the demo catalog, in the shared datasets' CSV format
// (see ../shared/datasets/README.md). Shoppers have clear, learnable tastes: favourite categories
// (often an affinity pair), a favourite subcategory and brand, and a price band. After putting an
// item in the cart they often look for something that goes with it (COMPLEMENT_SUBCATEGORIES),
// picked by the same brand and price taste, and sometimes add that too: the baskets hold
// complements across categories, as a store's "frequently bought together" data does.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { affinityPartners, categoryPath, getCatalog, type Catalog, type CatalogItem } from '../server/catalog';
import { COMPLEMENT_SUBCATEGORIES } from '../server/catalog-data';
import { rng as seeded, cumulative, pick, randInt, sampleIndex, type Random } from '../src/shared/random';

export type DemoEventType = 'view_item' | 'add_to_cart' | 'add_to_wishlist' | 'purchase';

export interface DemoEvent {
  user_id: string;
  item_id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  event_type: DemoEventType;
}

export interface DemoItemRow {
  item_id: string;
  /** "Top>Sub", readable names. */
  category: string;
  brand: string;
}

export type PriceBand = 'low' | 'mid' | 'high';

export interface ShopperProfile {
  user_id: string;
  /** Favourite top-level categories, strongest first (one or two). */
  favourites: string[];
  subcategory: string;
  brand: string;
  priceBand: PriceBand;
}

export interface DemoDataset {
  /** Grouped by shopper, in time order within each shopper. */
  events: DemoEvent[];
  items: DemoItemRow[];
  shoppers: ShopperProfile[];
}

export interface DemoDatasetOptions {
  shoppers?: number;
  seed?: number;
  catalog?: Catalog;
  /** First possible event time (epoch ms); events spread over the following ~8 weeks. */
  start?: number;
}

const DEFAULT_START = Date.UTC(2025, 0, 6);
const DAY = 86_400_000;
const WINDOW_DAYS = 56;
const EXPLORE = 0.15;
const SAME_SUBCATEGORY = 0.45;
/** Browsing on after an off-taste (exploration) view is brief: the shopper drifts back. */
const SAME_SUBCATEGORY_OFF_TASTE = 0.15;
const REVISIT = 0.08;
/** After an add to cart: how often the shopper looks at a complement, and adds the one looked at. */
const COMPLEMENT_VIEW = 0.5;
const COMPLEMENT_CART = 0.45;
const PRICE_CENTRE: Record<PriceBand, number> = { low: 0.15, mid: 0.5, high: 0.85 };

export function generateDemoDataset(options: DemoDatasetOptions = {}): DemoDataset {
  const { shoppers = 3000, seed = 1, catalog = getCatalog(), start = DEFAULT_START } = options;
  if (!Number.isInteger(shoppers) || shoppers < 0) throw new Error(`shoppers must be a non-negative integer, got ${shoppers}`);
  const rng = seeded(seed);
  const world = prepareWorld(catalog);
  const events: DemoEvent[] = [];
  const profiles: ShopperProfile[] = [];
  for (let n = 0; n < shoppers; n++) {
    const profile = makeProfile(rng, catalog, `u${String(n + 1).padStart(5, '0')}`);
    profiles.push(profile);
    events.push(...simulateShopper(rng, world, profile, start));
  }
  const items = catalog.items.map((i) => ({ item_id: i.item_id, category: categoryPath(i), brand: i.item_brand }));
  return { events, items, shoppers: profiles };
}

/** Writes events.csv and items.csv into `dir` (created if needed). */
export async function writeDemoDataset(dir: string, options: DemoDatasetOptions = {}) {
  const data = generateDemoDataset(options);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, 'events.csv'), toCsv(data.events, ['user_id', 'item_id', 'timestamp', 'event_type'])),
    writeFile(path.join(dir, 'items.csv'), toCsv(data.items, ['item_id', 'category', 'brand'])),
  ]);
  return { dir, events: data.events.length, items: data.items.length, shoppers: data.shoppers.length };
}

export function toCsv<T extends object>(rows: T[], columns: (keyof T & string)[]): string {
  const field = (v: unknown) => {
    const s = String(v ?? '');
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\n') + '\n';
}

interface World {
  catalog: Catalog;
  items: CatalogItem[];
  /** Each item's price rank within its subcategory, 0 (cheapest) to 1. */
  pricePosition: number[];
  popularityCum: Float64Array;
  bySubcategory: Map<string, number[]>;
  /** Per subcategory name, the items of its complement subcategories' members, one list each. */
  complements: Map<string, number[][]>;
}

function prepareWorld(catalog: Catalog): World {
  const items = catalog.items;
  const bySubcategory = new Map<string, number[]>();
  items.forEach((item, i) => bySubcategory.set(categoryPath(item), [...(bySubcategory.get(categoryPath(item)) ?? []), i]));
  const pricePosition = new Array<number>(items.length).fill(0);
  for (const members of bySubcategory.values()) {
    const sorted = members.slice().sort((a, b) => items[a]!.price - items[b]!.price);
    sorted.forEach((idx, rank) => (pricePosition[idx] = sorted.length > 1 ? rank / (sorted.length - 1) : 0.5));
  }
  const popularityCum = cumulative(items.map((i) => i.popularity ** 0.8));
  return { catalog, items, pricePosition, bySubcategory, popularityCum, complements: complementMembers(catalog, bySubcategory) };
}

function complementMembers(catalog: Catalog, bySubcategory: Map<string, number[]>): Map<string, number[][]> {
  const byName = new Map(catalog.categories.flatMap((c) => c.subcategories.map((s) => [s.name, bySubcategory.get(`${c.name}>${s.name}`) ?? []] as const)));
  const out = new Map<string, number[][]>();
  for (const [sub, partners] of Object.entries(COMPLEMENT_SUBCATEGORIES)) {
    if (!byName.has(sub)) continue;
    out.set(sub, partners.map((p) => {
      const members = byName.get(p);
      if (!members?.length || p === sub) throw new Error(`demo data: complement "${p}" of "${sub}" is not another subcategory of the catalog`);
      return members;
    }));
  }
  return out;
}

// Most shoppers pair a category with its affinity partner; some have one love; a few mix freely.
function makeProfile(rng: Random, catalog: Catalog, user_id: string): ShopperProfile {
  const primary = pick(catalog.categories, rng);
  const roll = rng();
  const partners = affinityPartners(catalog, primary.name);
  const others = catalog.categories.filter((c) => c.name !== primary.name).map((c) => c.name);
  const second = roll < 0.6 && partners.length > 0 ? pick(partners, rng) : roll < 0.85 ? undefined : pick(others, rng);
  return {
    user_id,
    favourites: second ? [primary.name, second] : [primary.name],
    subcategory: pick(primary.subcategories, rng).name,
    brand: pick(primary.brands, rng),
    priceBand: pick(['low', 'mid', 'high'] as const, rng),
  };
}

function tasteWeight(world: World, profile: ShopperProfile, index: number): number {
  const item = world.items[index]!;
  const rank = profile.favourites.indexOf(item.item_category);
  if (rank < 0) return 0;
  let w = rank === 0 ? 1 : 0.5;
  if (item.item_category2 === profile.subcategory) w *= 3;
  return w * fitWeight(world, profile, index, TASTE_FIT);
}

interface Fit {
  /** Weight of the shopper's own brand against any other. */
  brand: number;
  /** Spread of the price band (variance of the Gaussian over price positions), and the weight far from it. */
  spread: number;
  floor: number;
}

/** Browsing: taste leans on brand and price. */
const TASTE_FIT: Fit = { brand: 2, spread: 0.08, floor: 0.25 };
/** A complement is picked to match what the shopper already chose: the brand and price band decide more. */
const COMPLEMENT_FIT: Fit = { brand: 4, spread: 0.04, floor: 0.1 };

/** How well an item suits the shopper's brand and price band, in any category. */
function fitWeight(world: World, profile: ShopperProfile, index: number, fit: Fit): number {
  const item = world.items[index]!;
  const distance = world.pricePosition[index]! - PRICE_CENTRE[profile.priceBand];
  const brand = item.item_brand === profile.brand ? fit.brand : 1;
  return brand * (fit.floor + Math.exp(-(distance * distance) / fit.spread)) * item.popularity ** 0.25;
}

interface SessionEvent {
  item: number;
  type: DemoEventType;
}

interface Shopper {
  /** Taste weight per item (0 outside the favourite categories), and its prefix sums. */
  weights: number[];
  tasteCum: Float64Array;
  /** fitWeight per item, for picking complements. */
  fit: number[];
  /** Items viewed so far, oldest first. */
  history: number[];
}

function simulateShopper(rng: Random, world: World, profile: ShopperProfile, start: number): DemoEvent[] {
  const weights = world.items.map((_, i) => tasteWeight(world, profile, i));
  const shopper: Shopper = { weights, tasteCum: cumulative(weights), fit: world.items.map((_, i) => fitWeight(world, profile, i, COMPLEMENT_FIT)), history: [] };
  const target = randInt(20, 40, rng);
  const sessions: SessionEvent[][] = [];
  let count = 0;
  while (count < target) {
    const session = simulateSession(rng, world, shopper);
    sessions.push(session);
    count += session.length;
  }
  return timestamp(rng, sessions, start, profile.user_id, world).slice(0, target);
}

function simulateSession(rng: Random, world: World, shopper: Shopper): SessionEvent[] {
  const events: SessionEvent[] = [];
  const cart: number[] = [];
  const views = randInt(3, 8, rng);
  let previous: number | undefined;
  const view = (item: number) => {
    events.push({ item, type: 'view_item' });
    shopper.history.push(item);
    previous = item;
  };
  for (let v = 0; v < views; v++) {
    const explore = rng() < EXPLORE;
    const item = nextView(rng, world, shopper, previous, explore);
    view(item);
    if (rng() < 0.04) events.push({ item, type: 'add_to_wishlist' });
    if (rng() >= (explore ? 0.03 : 0.11)) continue;
    events.push({ item, type: 'add_to_cart' });
    cart.push(item);
    const complement = rng() < COMPLEMENT_VIEW ? pickComplement(rng, world, shopper, item) : undefined;
    if (complement === undefined) continue;
    view(complement);
    if (rng() < COMPLEMENT_CART) {
      events.push({ item: complement, type: 'add_to_cart' });
      cart.push(complement);
    }
  }
  for (const item of cart) if (rng() < 0.5) events.push({ item, type: 'purchase' });
  return events;
}

/** Something to go with `item`: one of its complement subcategories, the item there by the shopper's fit. */
function pickComplement(rng: Random, world: World, shopper: Shopper, item: number): number | undefined {
  const groups = world.complements.get(world.items[item]!.item_category2);
  if (!groups?.length) return undefined;
  const members = pick(groups, rng);
  return members[sampleIndex(cumulative(members.map((i) => shopper.fit[i]!)), rng)];
}

function nextView(rng: Random, world: World, shopper: Shopper, previous: number | undefined, explore: boolean): number {
  const { weights, history } = shopper;
  if (explore) return sampleIndex(world.popularityCum, rng);
  if (history.length > 0 && rng() < REVISIT) return pick(history.slice(-6), rng);
  const stay = previous !== undefined && weights[previous]! > 0 ? SAME_SUBCATEGORY : SAME_SUBCATEGORY_OFF_TASTE;
  if (previous !== undefined && rng() < stay) {
    // Browsing on within the subcategory just seen, still led by taste where it has any there.
    const members = world.bySubcategory.get(categoryPath(world.items[previous]!))!;
    const local = members.map((i) => weights[i]! || world.items[i]!.popularity ** 0.25 * 0.1);
    return members[sampleIndex(cumulative(local), rng)]!;
  }
  return sampleIndex(shopper.tasteCum, rng);
}

// Sessions fall on random days over the window, mostly afternoons and evenings, never overlapping.
function timestamp(rng: Random, sessions: SessionEvent[][], start: number, user_id: string, world: World): DemoEvent[] {
  const starts = sessions
    .map(() => start + Math.floor(rng() * WINDOW_DAYS) * DAY + Math.floor((8 + 15 * rng() ** 0.7) * 3_600_000))
    .sort((a, b) => a - b);
  const out: DemoEvent[] = [];
  let clock = 0;
  sessions.forEach((session, s) => {
    clock = Math.max(starts[s]!, clock + 30 * 60_000);
    for (const event of session) {
      clock += event.type === 'view_item' ? randInt(15_000, 150_000, rng) : randInt(5_000, 60_000, rng);
      out.push({ user_id, item_id: world.items[event.item]!.item_id, timestamp: clock, event_type: event.type });
    }
  });
  return out;
}
