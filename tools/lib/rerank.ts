// Candidates of the "rerank" protocol (the product's setting): per test user, the target plus 50
// negatives drawn by popularity and 49 by popularity within the target's top-level category, none
// from the user's history, no duplicates, seeded, shuffled.
//
// Honesty: the target only decides which category the 49 come from (what the protocol says) and
// is rejected where drawn; the 50 popularity negatives are drawn first, independently of it, and
// the final shuffle leaves its position no signal.
//
// Draws are weighted by training popularity without replacement. Items never seen in training
// (weight 0) are only taken, uniformly, once every positive-weight eligible item of that pool is
// used. A catalog with fewer than 100 eligible items (not in the history) yields all of them.
import type { ItemLike } from '../../src/model/plain/features';
import type { Case } from './split';
import type { Sequence } from '../../src/model/plain/batch';
import { shuffle } from '../../src/shared/random';

export interface RerankContext {
  /** Event counts in the training sequences, per item. */
  popularity: Float64Array;
  /** Top-level category id per item, -1 unknown. */
  topCategory: Int32Array;
  /** Top-level category names, by id. */
  categories?: string[];
}

const RERANK_SIZES = { popular: 50, category: 49 };

export function rerankContext(items: readonly ItemLike[], trainSeqs: readonly Sequence[]): RerankContext {
  const popularity = new Float64Array(items.length);
  for (const s of trainSeqs) for (let i = 0; i < s.items.length; i++) popularity[s.items[i]]++;
  const { topCategory, categories } = topCategories(items);
  return { popularity, topCategory, categories };
}

/** The first level of each item's category path ('a>b>c' -> 'a'), as ids; -1 where it is empty. */
export function topCategories(items: readonly ItemLike[]): { topCategory: Int32Array; categories: string[] } {
  const ids = new Map<string, number>();
  const topCategory = Int32Array.from(items, (it) => {
    const top = (it.category ?? '').split('>')[0].trim();
    if (!top) return -1;
    if (!ids.has(top)) ids.set(top, ids.size);
    return ids.get(top)!;
  });
  return { topCategory, categories: [...ids.keys()] };
}

/** The case's candidates, the target included once, in random order. Draws only from `random`. */
export function sampleCandidates(c: Case, ctx: RerankContext, random: () => number, sizes = RERANK_SIZES): Int32Array {
  const s = samplers(ctx);
  const taken = new Set<number>(Array.from(c.history.items));
  taken.add(c.target);
  const out: number[] = [];
  draw(s.all, sizes.popular, taken, out, random);
  const cat = ctx.topCategory[c.target];
  if (cat >= 0) draw(s.byCategory[cat], sizes.category, taken, out, random);
  draw(s.all, sizes.popular + sizes.category - out.length, taken, out, random);
  out.push(c.target);
  return Int32Array.from(shuffle(out, random));
}

/** A per-user seed, so a user's candidates do not depend on which other users are evaluated or in what order. */
export function caseSeed(seed: number, userId: string): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 16777619) >>> 0;
  return h;
}

// ---- weighted sampling without replacement ------------------------------------------------------

/** Vose's alias table over a pool's positive-weight items; its zero-weight items are kept aside. */
export interface Pool {
  items: Int32Array;
  weights: Float64Array;
  prob: Float64Array;
  alias: Int32Array;
  /** Items of the pool never seen in training: drawn last, uniformly. */
  unseen: Int32Array;
}

interface Samplers {
  all: Pool;
  byCategory: Pool[];
}

const cache = new WeakMap<RerankContext, Samplers>();

/** Built once per context: the global pool and one per top-level category. */
function samplers(ctx: RerankContext): Samplers {
  let s = cache.get(ctx);
  if (!s) {
    const n = ctx.popularity.length;
    const members: number[][] = [];
    for (let i = 0; i < n; i++) if (ctx.topCategory[i] >= 0) (members[ctx.topCategory[i]] ??= []).push(i);
    const all = Array.from({ length: n }, (_, i) => i);
    s = { all: aliasPool(all, ctx.popularity), byCategory: Array.from(members, (m) => aliasPool(m ?? [], ctx.popularity)) };
    cache.set(ctx, s);
  }
  return s;
}

export function aliasPool(ids: readonly number[], popularity: Float64Array): Pool {
  const items = Int32Array.from(ids.filter((i) => popularity[i] > 0));
  const unseen = Int32Array.from(ids.filter((i) => !(popularity[i] > 0)));
  const n = items.length;
  const weights = Float64Array.from(items, (i) => popularity[i]);
  const total = weights.reduce((a, w) => a + w, 0);
  const scaled = Float64Array.from(weights, (w) => (w * n) / total);
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const l = small.pop()!;
    const g = large[large.length - 1];
    prob[l] = scaled[l];
    alias[l] = g;
    scaled[g] += scaled[l] - 1;
    if (scaled[g] < 1) small.push(large.pop()!);
  }
  // What is left is 1 up to rounding.
  for (const i of [...small, ...large]) {
    prob[i] = 1;
    alias[i] = i;
  }
  return { items, weights, prob, alias, unseen };
}

function aliasDraw(p: Pool, random: () => number): number {
  const u = random() * p.items.length;
  const k = Math.min(p.items.length - 1, Math.floor(u));
  return p.items[u - k < p.prob[k] ? k : p.alias[k]];
}

/** Up to `k` distinct items drawn by popularity, none from `skip` (which is not modified). */
export function drawPopular(p: Pool, k: number, skip: ReadonlySet<number>, random: () => number): number[] {
  const out: number[] = [];
  draw(p, k, new Set(skip), out, random);
  return out;
}

/** Appends up to `k` new items from the pool to `out` (and `taken`). */
function draw(p: Pool, k: number, taken: Set<number>, out: number[], random: () => number): void {
  if (k <= 0) return;
  // Rejection from the alias table is O(1) a draw while the pool is mostly free; when rejections
  // pile up (small pool, long history) finish exactly on the few eligible items left.
  let budget = 20 * k + 100;
  let got = 0;
  while (got < k && p.items.length > 0 && budget-- > 0) {
    const item = aliasDraw(p, random);
    if (taken.has(item)) continue;
    taken.add(item);
    out.push(item);
    got++;
  }
  if (got < k) drawExact(p, k - got, taken, out, random);
}

/** Sequential weighted draws without replacement over the eligible items (Efraimidis–Spirakis keys), then zero-weight ones uniformly. */
function drawExact(p: Pool, k: number, taken: Set<number>, out: number[], random: () => number): void {
  const keyed: { item: number; key: number }[] = [];
  p.items.forEach((item, i) => {
    if (!taken.has(item)) keyed.push({ item, key: Math.log(random() || Number.MIN_VALUE) / p.weights[i] });
  });
  keyed.sort((a, b) => b.key - a.key);
  const picked = keyed.slice(0, k).map((e) => e.item);
  if (picked.length < k) picked.push(...shuffle(Array.from(p.unseen).filter((item) => !taken.has(item)), random).slice(0, k - picked.length));
  for (const item of picked) {
    taken.add(item);
    out.push(item);
  }
}
