import { describe, expect, it } from 'vitest';
import { rng } from '../../src/shared/random';
import { crossCandidates, isCrossCase, topLevelCategories } from './cross-cases';
import type { Case } from './split';

const items = (categories: string[]) => categories.map((category, i) => ({ item_id: `i${i}`, category, brand: '' }));
const seq = (xs: number[]) => ({ items: Int32Array.from(xs), types: Int32Array.from(xs, () => 1) });

describe('topLevelCategories', () => {
  it('takes the first level of the path, -1 where there is none', () => {
    expect(Array.from(topLevelCategories(items(['a>x', 'b>y', 'a>z', '', ' b ', 'c'])))).toEqual([0, 1, 0, -1, 1, 2]);
  });

  it('looks below a root nearly every item shares', () => {
    const cats = [...Array(19).fill('r>a>x'), 'r>b', 'q>a'];
    cats[3] = 'r>c>y';
    const top = topLevelCategories(items(cats));
    // r>a and r>c differ; q is a top level of its own; r>a is not q>a.
    expect(top[0]).toBe(top[1]);
    expect(new Set([top[0], top[3], top[19], top[20]]).size).toBe(4);
    // Below the root's share, the first level stays the top level.
    const shared = topLevelCategories(items(['r>a', 'r>b', 's>a']));
    expect(shared[0]).toBe(shared[1]);
  });
});

describe('isCrossCase', () => {
  const top = Int32Array.from([0, 0, 1, -1, 1]);
  const c = (history: number[], target: number): Case => ({ userId: 'u', history: seq(history), target });

  it('holds when a new target leaves the newest event\'s top-level category', () => {
    expect(isCrossCase(c([1, 0], 2), top)).toBe(true);
    // A target the shopper has had before is not a cross-sell case.
    expect(isCrossCase(c([2, 0], 2), top)).toBe(false);
    expect(isCrossCase(c([2, 0], 1), top)).toBe(false);
    // Only the newest event counts: an earlier visit to the target's category does not matter.
    expect(isCrossCase(c([4, 1], 2), top)).toBe(true);
    expect(isCrossCase(c([0], 3), top)).toBe(false);
    expect(isCrossCase(c([3], 0), top)).toBe(false);
    expect(isCrossCase(c([], 0), top)).toBe(false);
  });
});

describe('crossCandidates', () => {
  // 30 items: 0-9 category 0, 10-19 category 1, 20-27 category 2, 28-29 without one.
  const top = Int32Array.from({ length: 30 }, (_, i) => (i < 28 ? Math.floor(i / 10) : -1));
  const popularity = Float64Array.from({ length: 30 }, (_, i) => (i === 27 ? 0 : 1 + (i % 10)));
  const draw = crossCandidates(top, popularity, 12);
  const c: Case = { userId: 'u', history: seq([11, 3]), target: 15 };

  it('holds the target once and negatives only from other categories, none from the history', () => {
    const got = Array.from(draw(c, rng(1)));
    expect(got).toHaveLength(13);
    expect(got.filter((i) => i === 15)).toHaveLength(1);
    expect(new Set(got).size).toBe(13);
    for (const i of got) {
      expect(top[i]).toBeGreaterThanOrEqual(0);
      expect(top[i]).not.toBe(top[3]);
    }
    expect(got).not.toContain(11);
  });

  it('is seeded, and weighs the draw by popularity', () => {
    expect(draw(c, rng(5))).toEqual(draw(c, rng(5)));
    const counts = new Map<number, number>();
    for (let s = 0; s < 300; s++) for (const i of draw(c, rng(s))) counts.set(i, (counts.get(i) ?? 0) + 1);
    expect(counts.get(19)!).toBeGreaterThan(counts.get(10)!);
    expect(counts.get(29) ?? 0).toBe(0);
  });

  it('takes every eligible item when there are fewer than asked', () => {
    const small = crossCandidates(top, popularity, 99);
    const got = Array.from(small(c, rng(2))).sort((a, b) => a - b);
    // Categories 1 and 2 minus the history item 11: 17 items, the target among them.
    expect(got).toEqual([10, ...Array.from({ length: 8 }, (_, k) => 12 + k), ...Array.from({ length: 8 }, (_, k) => 20 + k)]);
  });
});
