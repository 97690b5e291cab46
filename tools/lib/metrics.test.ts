import { describe, expect, test } from 'vitest';
import { ndcg, rankOf, reciprocalRank, summarize, topK } from './metrics';

describe('metrics from a rank (hand-computed)', () => {
  test('NDCG@10: 1 at rank 0, 1/log2(3) at rank 1, 1/log2(11) at rank 9, 0 past the cut', () => {
    expect(ndcg(0, 10)).toBe(1);
    expect(ndcg(1, 10)).toBeCloseTo(0.63093, 5);
    expect(ndcg(9, 10)).toBeCloseTo(0.28906, 5);
    expect(ndcg(10, 10)).toBe(0);
    expect(ndcg(Infinity, 10)).toBe(0);
  });
  test('MRR@k', () => {
    expect(reciprocalRank(0, 10)).toBe(1);
    expect(reciprocalRank(3, 10)).toBe(0.25);
    expect(reciprocalRank(15, 10)).toBe(0);
    expect(reciprocalRank(15, 20)).toBe(1 / 16);
  });
  test('summarize averages over users, a miss counting zero', () => {
    const m = summarize([0, 1, 12, Infinity]);
    expect(m['HR@10']).toBe(0.5);
    expect(m['HR@20']).toBe(0.75);
    expect(m['NDCG@10']).toBeCloseTo((1 + 0.63093) / 4, 5);
    expect(m['MRR@10']).toBeCloseTo((1 + 0.5) / 4, 10);
    expect(m['MRR@20']).toBeCloseTo((1 + 0.5 + 1 / 13) / 4, 10);
  });
});

describe('rankOf', () => {
  test('counts eligible items scoring above the target', () => {
    expect(rankOf([0.1, 0.9, 0.5, 0.7], 2, new Set())).toBe(2);
  });
  test('excluded items do not count, and an excluded target is a miss', () => {
    expect(rankOf([0.1, 0.9, 0.5, 0.7], 2, new Set([1]))).toBe(1);
    expect(rankOf([0.1, 0.9, 0.5, 0.7], 2, new Set([2]))).toBe(Infinity);
  });
  test('ties count half, so a constant model earns no credit', () => {
    expect(rankOf([1, 1, 1, 1, 1], 0, new Set())).toBe(2);
  });
});

describe('topK', () => {
  test('best first, skipping excluded items, ties by index', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.7], 3, new Set([4]))).toEqual([1, 3, 2]);
    expect(topK([3, 2, 1], 5, new Set())).toEqual([0, 1, 2]);
  });
});
