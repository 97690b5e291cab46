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
  const ids = new Int32Array(n * cfg.itemHashes);
  const cats = new Int32Array(n * cfg.categoryLevels);
  const brands = new Int32Array(n);
  items.forEach((item, i) => writeItem(item, i, cfg, ids, cats, brands));
  return { count: n, ids, cats, brands, keys: Uint32Array.from(items, (item) => coKey(item.item_id)) };
}

function writeItem(
  item: ItemLike,
  i: number,
  cfg: ModelConfig,
  ids: Int32Array,
  cats: Int32Array,
  brands: Int32Array,
): void {
  for (let k = 0; k < cfg.itemHashes; k++) {
    ids[i * cfg.itemHashes + k] = bucket(item.item_id, ITEM_SEED + k, cfg.itemBuckets);
  }
  const tokens = categoryTokens(item.category, cfg.categoryLevels);
  tokens.forEach((t, k) => (cats[i * cfg.categoryLevels + k] = bucket(t, CATEGORY_SEED + k, cfg.categoryBuckets)));
  brands[i] = bucket(item.brand ?? '', BRAND_SEED, cfg.brandBuckets);
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
