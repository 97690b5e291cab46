// Turns items and events into the integer codes the network reads. Pure code: no TensorFlow.js,
// so the worker can encode a history before TF.js has even loaded.
import type { ModelConfig } from './config';
import { bucket } from './hash';
import { coKey } from './co-key';
import { isInterest } from '../../shared/events';

/** What the model needs to know about a product: its id and its catalog features. */
export interface ItemLike {
  item_id: string;
  /** Category path, levels joined by '>'. */
  category?: string;
  brand?: string;
}

/** What the model needs to know about one interaction. */
export interface EventLike extends ItemLike {
  type: string;
}

/** Integer codes for a list of items, row-major: `ids[i*itemHashes + k]`, `cats[i*categoryLevels + k]`. */
export interface ItemCodes {
  count: number;
  ids: Int32Array;
  cats: Int32Array;
  brands: Int32Array;
  /** Each item's key in a co-occurrence prior (coKey of its id), where the codes were made from ids. */
  keys?: Uint32Array;
}

const ITEM_SEED = 1;
const CATEGORY_SEED = 101;
const BRAND_SEED = 201;

export function categoryTokens(path: string | undefined, levels: number): string[] {
  const parts = (path ?? '').split('>').map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (let k = 0; k < levels; k++) out.push(k < parts.length ? parts.slice(0, k + 1).join('>') : '');
  return out;
}

export function encodeItems(items: readonly ItemLike[], cfg: ModelConfig): ItemCodes {
  const n = items.length;
  const H = cfg.itemHashes;
  const L = cfg.categoryLevels;
  const ids = new Int32Array(n * H);
  const cats = new Int32Array(n * L);
  const brands = new Int32Array(n);
  const keys = new Uint32Array(n);
  const known = memoFor(cfg);
  for (let i = 0; i < n; i++) {
    const c = codesOf(items[i], cfg, known);
    for (let k = 0; k < H; k++) ids[i * H + k] = c.codes[k];
    for (let k = 0; k < L; k++) cats[i * L + k] = c.codes[H + k];
    brands[i] = c.codes[H + L];
    keys[i] = c.key;
  }
  return { count: n, ids, cats, brands, keys };
}

/** One item's codes (item hashes, category levels, brand) and its prior key, with the fields they
 *  were made from. */
interface Coded {
  item_id: string;
  category?: string;
  brand?: string;
  codes: Int32Array;
  key: number;
}

// Hashing an item's fields costs more than the rest of a batch's set-up, and the same item objects
// come back: a device's offered items round after round, the simulator's catalog for every device.
// The codes are kept per configuration, and a hit counts only while the item's fields are the ones
// they were made from.
const memo = new WeakMap<ModelConfig, WeakMap<ItemLike, Coded>>();

function memoFor(cfg: ModelConfig): WeakMap<ItemLike, Coded> {
  let known = memo.get(cfg);
  if (!known) memo.set(cfg, (known = new WeakMap()));
  return known;
}

function codesOf(item: ItemLike, cfg: ModelConfig, known: WeakMap<ItemLike, Coded>): Coded {
  const hit = known.get(item);
  if (hit && hit.item_id === item.item_id && hit.category === item.category && hit.brand === item.brand) return hit;
  const H = cfg.itemHashes;
  const codes = new Int32Array(H + cfg.categoryLevels + 1);
  for (let k = 0; k < H; k++) codes[k] = bucket(item.item_id, ITEM_SEED + k, cfg.itemBuckets);
  categoryTokens(item.category, cfg.categoryLevels).forEach((t, k) => (codes[H + k] = bucket(t, CATEGORY_SEED + k, cfg.categoryBuckets)));
  codes[H + cfg.categoryLevels] = bucket(item.brand ?? '', BRAND_SEED, cfg.brandBuckets);
  const coded = { item_id: item.item_id, category: item.category, brand: item.brand, codes, key: coKey(item.item_id) };
  known.set(item, coded);
  return coded;
}

/** The last `maxLen` interest events, oldest first. */
export function interestHistory<E extends EventLike>(events: readonly E[], maxLen: number): E[] {
  const kept = events.filter((e) => isInterest(e.type));
  return kept.slice(Math.max(0, kept.length - maxLen));
}

/** The codes of the given rows of a table, in that order. */
export function pickCodes(codes: ItemCodes, rows: ArrayLike<number>, cfg: ModelConfig): ItemCodes {
  const n = rows.length;
  const out: ItemCodes = {
    count: n,
    ids: new Int32Array(n * cfg.itemHashes),
    cats: new Int32Array(n * cfg.categoryLevels),
    brands: new Int32Array(n),
    ...(codes.keys ? { keys: Uint32Array.from(rows, (r) => codes.keys![r]) } : {}),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.ids.set(codes.ids.subarray(r * cfg.itemHashes, (r + 1) * cfg.itemHashes), i * cfg.itemHashes);
    out.cats.set(codes.cats.subarray(r * cfg.categoryLevels, (r + 1) * cfg.categoryLevels), i * cfg.categoryLevels);
    out.brands[i] = codes.brands[r];
  }
  return out;
}
