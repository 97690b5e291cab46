import { describe, expect, test } from 'vitest';
import type { Sequence } from '../../src/model/plain/batch';
import type { ItemLike } from '../../src/model/plain/features';
import { aliasPool, caseSeed, rerankContext, sampleCandidates, topCategories, type RerankContext } from './rerank';
import { rng } from '../../src/shared/random';
import type { Case } from './split';

const seq = (...items: number[]): Sequence => ({ items, types: items.map(() => 1) });
const kase = (target: number, ...history: number[]): Case => ({ userId: `u${target}`, history: seq(...history), target });

// Catalog: items 0..99 category "a" (rare: popularity 1), 100..299 "b" (popular: 100000 each),
// 300..309 "c" (only ten items), 310..319 uncategorized.
function context(): RerankContext {
  const n = 320;
  const popularity = Float64Array.from({ length: n }, (_, i) => (i < 100 ? 1 : i < 300 ? 100000 : 50));
  const topCategory = Int32Array.from({ length: n }, (_, i) => (i < 100 ? 0 : i < 300 ? 1 : i < 310 ? 2 : -1));
  return { popularity, topCategory };
}

const inCategory = (xs: Int32Array, ctx: RerankContext, cat: number) => Array.from(xs).filter((i) => ctx.topCategory[i] === cat);

describe('rerankContext', () => {
  test('popularity counts events, top category is the first path level (-1 when empty)', () => {
    const items: ItemLike[] = [
      { item_id: 'x', category: 'c1>c11>c111' },
      { item_id: 'y', category: 'c2' },
      { item_id: 'z', category: '' },
      { item_id: 'w', category: 'c1>c12' },
      { item_id: 'v' },
    ];
    const ctx = rerankContext(items, [seq(0, 1, 1), seq(3)]);
    expect(Array.from(ctx.popularity)).toEqual([1, 2, 0, 1, 0]);
    expect(Array.from(ctx.topCategory)).toEqual([0, 1, -1, 0, -1]);
    expect(topCategories(items).categories).toEqual(['c1', 'c2']);
  });
});

describe('sampleCandidates', () => {
  const ctx = context();
  const c = kase(5, 101, 102, 7, 300);

  test('100 distinct candidates, the target exactly once, nothing from the history', () => {
    const xs = sampleCandidates(c, ctx, rng(1));
    expect(xs.length).toBe(100);
    expect(new Set(xs).size).toBe(100);
    expect(Array.from(xs).filter((i) => i === 5)).toHaveLength(1);
    for (const h of c.history.items as number[]) expect(xs).not.toContain(h);
  });

  test('seeded: the same seed repeats, another seed differs', () => {
    expect(sampleCandidates(c, ctx, rng(3))).toEqual(sampleCandidates(c, ctx, rng(3)));
    expect(sampleCandidates(c, ctx, rng(3))).not.toEqual(sampleCandidates(c, ctx, rng(4)));
  });

  test('49 negatives from the target\'s rare category, 50 by popularity (which lands on the popular one)', () => {
    const xs = sampleCandidates(c, ctx, rng(2));
    expect(inCategory(xs, ctx, 0).filter((i) => i !== 5)).toHaveLength(49);
    expect(inCategory(xs, ctx, 1)).toHaveLength(50);
  });

  test('a category with too few items gives what it has; popularity fills the rest', () => {
    const xs = sampleCandidates(kase(303, 300, 150), ctx, rng(5));
    expect(xs.length).toBe(100);
    expect(inCategory(xs, ctx, 2).sort()).toEqual([301, 302, 303, 304, 305, 306, 307, 308, 309]);
  });

  test('an uncategorized target gets popularity negatives only', () => {
    const xs = sampleCandidates(kase(315, 1), ctx, rng(6));
    expect(xs.length).toBe(100);
    expect(inCategory(xs, ctx, 1).length).toBeGreaterThanOrEqual(95);
  });

  test('the target does not steer the popularity negatives', () => {
    // Two targets in the rare category with the same history and seed: the negatives outside that
    // category (all from the popularity draw) are the same.
    const outside = (t: number) => Array.from(sampleCandidates(kase(t, 150), ctx, rng(9))).filter((i) => ctx.topCategory[i] !== 0).sort();
    expect(outside(10)).toEqual(outside(20));
  });

  test('the target lands at many positions across users', () => {
    const random = rng(11);
    const positions = Array.from({ length: 300 }, (_, u) => sampleCandidates(kase(u % 100, 200 + (u % 50)), ctx, random).indexOf(u % 100));
    expect(new Set(positions).size).toBeGreaterThan(80);
    const mean = positions.reduce((a, p) => a + p, 0) / positions.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(59);
  });

  test('a catalog too small for 100 yields every eligible item', () => {
    const small: RerankContext = { popularity: Float64Array.of(3, 0, 5, 1, 0, 2), topCategory: Int32Array.of(0, 0, 1, 1, -1, 0) };
    const xs = sampleCandidates(kase(0, 3), small, rng(1));
    expect(Array.from(xs).sort()).toEqual([0, 1, 2, 4, 5]);
  });

  test('items never seen in training are not drawn while seen ones remain', () => {
    const withUnseen: RerankContext = {
      popularity: Float64Array.from({ length: 400 }, (_, i) => (i < 300 ? 1 + (i % 7) : 0)),
      topCategory: Int32Array.from({ length: 400 }, (_, i) => i % 3),
    };
    for (let s = 1; s <= 20; s++) for (const i of sampleCandidates(kase(s, 0), withUnseen, rng(s))) if (i !== s) expect(i).toBeLessThan(300);
  });
});

describe('aliasPool', () => {
  test('draw frequencies follow popularity', () => {
    const pop = Float64Array.of(1, 0, 3, 6);
    const pool = aliasPool([0, 1, 2, 3], pop);
    expect(Array.from(pool.unseen)).toEqual([1]);
    const counts = [0, 0, 0, 0];
    const random = rng(4);
    const ctx = { popularity: pop, topCategory: Int32Array.of(-1, -1, -1, -1) };
    // One popularity negative per draw from a 4-item catalog: target 1 (unseen), empty history.
    for (let k = 0; k < 20000; k++) for (const i of sampleCandidates(kase(1), ctx, random, { popular: 1, category: 0 })) if (i !== 1) counts[i]++;
    expect(counts[0] / 20000).toBeCloseTo(0.1, 1);
    expect(counts[2] / 20000).toBeCloseTo(0.3, 1);
    expect(counts[3] / 20000).toBeCloseTo(0.6, 1);
  });
});

describe('caseSeed', () => {
  test('stable per user and seed, different across users and seeds', () => {
    expect(caseSeed(1, 'u1')).toBe(caseSeed(1, 'u1'));
    expect(caseSeed(1, 'u1')).not.toBe(caseSeed(1, 'u2'));
    expect(caseSeed(1, 'u1')).not.toBe(caseSeed(2, 'u1'));
  });
});
