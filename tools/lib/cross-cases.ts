// Which cases the "cross" protocol scores and what it offers them: the top level of each item's
// category path, the users whose target is new to them and changes top-level category from their
// newest event, and 99 negatives drawn by popularity from the other categories (protocol-cross.ts).
import type { ItemLike } from '../../src/model/plain/features';
import { shuffle, type Random } from '../../src/shared/random';
import { aliasPool, drawPopular, type Pool } from './rerank';
import type { Case } from './split';

const NEGATIVES = 99;
/** A first path level that at least this share of items has is a root (Sports' "c2"): the level below it is the top level. */
const ROOT_SHARE = 0.9;

/**
 * Each item's top-level category as an id (-1 when it has none): the first level of its path, or
 * the second where the first is a root nearly every item shares, which tells nothing apart.
 */
export function topLevelCategories(items: readonly ItemLike[]): Int32Array {
  const paths = items.map((it) => (it.category ?? '').split('>').map((s) => s.trim()).filter(Boolean));
  const firsts = new Map<string, number>();
  for (const p of paths) if (p.length) firsts.set(p[0], (firsts.get(p[0]) ?? 0) + 1);
  const [root, count] = [...firsts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const withPath = paths.filter((p) => p.length).length;
  const isRoot = withPath > 0 && count >= ROOT_SHARE * withPath;
  const ids = new Map<string, number>();
  return Int32Array.from(paths, (p) => {
    if (!p.length) return -1;
    const name = isRoot && p[0] === root && p.length > 1 ? `${p[0]}>${p[1]}` : p[0];
    if (!ids.has(name)) ids.set(name, ids.size);
    return ids.get(name)!;
  });
}

function contextOf(c: Case): number {
  return c.history.items[c.history.items.length - 1];
}

/**
 * Both the target and the newest event have a known top-level category, they differ, and the
 * target is not in the history: a cross-sell shelf offers what the shopper has not chosen yet, and
 * the negatives never come from the history, so a repeat would give itself away.
 */
export function isCrossCase(c: Case, top: Int32Array): boolean {
  if (c.history.items.length === 0) return false;
  const from = top[contextOf(c)];
  const to = top[c.target];
  return from >= 0 && to >= 0 && from !== to && !Array.prototype.includes.call(c.history.items, c.target);
}

/**
 * Draws a case's candidates: the target and `negatives` items by training popularity from the
 * top-level categories other than the newest event's (none from the history, none without a
 * category), shuffled. Pools are built once per excluded category.
 */
export function crossCandidates(top: Int32Array, popularity: Float64Array, negatives = NEGATIVES): (c: Case, random: Random) => Int32Array {
  const pools = new Map<number, Pool>();
  const poolWithout = (cat: number) => {
    if (!pools.has(cat)) pools.set(cat, aliasPool(Array.from(top.keys()).filter((i) => top[i] >= 0 && top[i] !== cat), popularity));
    return pools.get(cat)!;
  };
  return (c, random) => {
    const skip = new Set(Array.from(c.history.items));
    skip.add(c.target);
    return Int32Array.from(shuffle([...drawPopular(poolWithout(top[contextOf(c)]), negatives, skip, random), c.target], random));
  };
}
