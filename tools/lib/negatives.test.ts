import { describe, expect, test } from 'vitest';
import { rng } from '../../src/shared/random';
import { mixedNegatives } from './negatives';

describe('mixedNegatives', () => {
  const counts = Float64Array.from({ length: 1000 }, (_, i) => (i < 10 ? 1000 : i % 7 === 0 ? 0 : 1));

  test('k distinct rows, the popular ones over-represented, each with log(k·q) of the mixture', () => {
    const draw = mixedNegatives(counts, 0.5, 1);
    const random = rng(3);
    let head = 0;
    for (let r = 0; r < 50; r++) {
      const { ids, logQ } = draw(100, random);
      expect(new Set(ids).size).toBe(100);
      head += ids.filter((i) => i < 10).length;
      const total = counts.reduce((a, b) => a + b, 0);
      ids.forEach((id, j) => expect(logQ[j]).toBeCloseTo(Math.log(100 * (0.5 * (counts[id] / total) + 0.5 / 1000)), 5));
    }
    // Uniform draws would take 1 of the 10 head items a draw; these take nearly all of them.
    expect(head / 50).toBeGreaterThan(9);
  });

  test('items never counted can still be drawn (uniformly), and bad shares are refused', () => {
    const { ids } = mixedNegatives(counts, 0.2)(900, rng(1));
    expect(ids.some((i) => counts[i] === 0)).toBe(true);
    expect(() => mixedNegatives(counts, 0)).toThrow(/share/);
    expect(() => mixedNegatives(new Float64Array(5), 0.5)).toThrow(/no item/);
    expect(() => mixedNegatives(counts, 0.5)(1001, rng(1))).toThrow(/distinct/);
  });
});
