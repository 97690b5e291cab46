import { describe, expect, test } from 'vitest';
import { breakdown, isCrossCategory } from './breakdown';
import { ndcg } from './metrics';
import type { Case } from './split';

// Items 0..6; top categories 0,0,1,1,unknown,2,unknown.
const topCategory = Int32Array.of(0, 0, 1, 1, -1, 2, -1);
const kase = (target: number, ...history: number[]): Case => ({ userId: `u${target}`, history: { items: history, types: history.map(() => 1) }, target });

const cases = [
  kase(2, 0, 1), //          cross (cat 1 not in {0}),        train 1: cold,  rank 0
  kase(3, 2, 0, 1), //       not cross (cat 1 in history),    train 2: cold,  rank 5
  kase(4, 0, 1, 2, 3), //    cross (unknown not in {0,1}),    train 3: warm,  rank 15
  kase(1, 4, 5), //          cross (cat 0 not in {unknown,2}), train 1: cold,  rank ∞
  kase(6, 4, 2, 3, 0, 1, 5), // not cross (unknown in history), train 5: warm, rank 2
];
const ranks = [0, 5, 15, Infinity, 2];
const tops = [[2, 3, 5, 6], [4, 6, 5, 3], [5, 6], [0, 2], [6]];
const input = { cases, ranks, tops, topCategory, itemCount: 7, trainLength: (c: Case) => c.history.items.length - 1 };

describe('breakdown (hand-computed)', () => {
  const b = breakdown(input);

  test('cold start: users with <= 2 training events, and the warm rest', () => {
    expect(b.cold_start.users).toBe(3);
    expect(b.cold_start.metrics['HR@10']).toBeCloseTo(2 / 3, 10);
    expect(b.cold_start.metrics['NDCG@10']).toBeCloseTo((1 + ndcg(5, 10)) / 3, 10);
    expect(b.warm.users).toBe(2);
    expect(b.warm.metrics['HR@10']).toBe(0.5);
    expect(b.warm.metrics['HR@20']).toBe(1);
    expect(b.warm.metrics['MRR@20']).toBeCloseTo((1 / 16 + 1 / 3) / 2, 10);
  });

  test('top-10 category diversity (unknown is one category) and catalog coverage', () => {
    // Distinct categories per top list: 3, 3, 2, 2, 1.
    expect(b.category_diversity_at_10).toBeCloseTo(11 / 5, 10);
    // Items {0,2,3,4,5,6} of 7.
    expect(b.catalog_coverage_at_10).toBeCloseTo(6 / 7, 10);
  });

  test('cross-category users and their share of the hits', () => {
    expect(b.cross_category.users).toBe(3);
    expect(b.cross_category.share_of_users).toBeCloseTo(0.6, 10);
    expect(b.cross_category.metrics['HR@10']).toBeCloseTo(1 / 3, 10);
    expect(b.cross_category.metrics['HR@20']).toBeCloseTo(2 / 3, 10);
    // Hits@10: users 0, 1, 4; only user 0 is cross-category.
    expect(b.cross_category.hits).toBe(1);
    expect(b.cross_category.share_of_hits).toBeCloseTo(1 / 3, 10);
  });

  test('history-length buckets', () => {
    const users = Object.fromEntries(Object.entries(b.by_history_length).map(([k, g]) => [k, g.users]));
    expect(users).toEqual({ '1-2': 2, '3-5': 2, '6-10': 1, '11-20': 0, '21+': 0 });
    expect(b.by_history_length['1-2'].metrics['HR@10']).toBe(0.5);
    expect(b.by_history_length['6-10'].metrics['MRR@10']).toBeCloseTo(1 / 3, 10);
    expect(b.by_history_length['21+'].metrics['HR@10']).toBe(0);
  });

  test('only the first 10 of a longer top list count', () => {
    const long = breakdown({ ...input, tops: [[...Array(10).fill(0), 5], [0], [0], [0], [0]] });
    expect(long.category_diversity_at_10).toBe(1);
    expect(long.catalog_coverage_at_10).toBeCloseTo(1 / 7, 10);
  });

  test('misaligned inputs are a clear error', () => {
    expect(() => breakdown({ ...input, ranks: [0, 1] })).toThrow(/5 cases but 2 ranks/);
  });

  test('isCrossCategory treats an unknown category like any other', () => {
    expect(isCrossCategory(kase(6, 4), topCategory)).toBe(false);
    expect(isCrossCategory(kase(6, 5), topCategory)).toBe(true);
  });
});

test('breakdown of no users is all zeros, not NaN', () => {
  const b = breakdown({ ...input, cases: [], ranks: [], tops: [] });
  expect(b.cross_category.share_of_users).toBe(0);
  expect(b.cross_category.share_of_hits).toBe(0);
  expect(b.category_diversity_at_10).toBe(0);
  expect(b.cold_start.metrics['HR@10']).toBe(0);
});
