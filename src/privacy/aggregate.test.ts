// The aggregate's parts: sums of clipped updates made apart (the simulator's threads) merge into
// the sum one adder makes, and Poisson-sampled rounds divide by the cohort they expected.
import { describe, expect, test } from 'vitest';
import { Aggregator, ClippedSum } from './aggregate';
import { l2norm } from './fixed-point';
import { seededUniform } from './seeded-uniform';

const vec = (...xs: number[]) => Float32Array.from(xs);
const opts = (over = {}) => ({ clipNorm: 1, noiseMultiplier: 1e-9, cohort: 2, uniform: seededUniform(1), ...over });

describe('ClippedSum', () => {
  test('clips each update to C before adding it', () => {
    const s = new ClippedSum(2, 1);
    s.add(vec(3, 4));
    s.add(vec(0.5, 0));
    expect(Array.from(s.sum)).toEqual([expect.closeTo(1.1, 6), expect.closeTo(0.8, 6)]);
    expect(s.count).toBe(2);
  });

  test('sums made apart merge into the sum one adder makes', () => {
    const updates = [vec(3, 4), vec(0.1, 0.2), vec(-2, 0), vec(0, 0.5)];
    const whole = new ClippedSum(2, 1);
    updates.forEach((u) => whole.add(u));
    const [a, b] = [new ClippedSum(2, 1), new ClippedSum(2, 1)];
    updates.forEach((u, i) => (i % 2 ? a : b).add(u));
    const merged = new ClippedSum(2, 1);
    merged.merge(a);
    merged.merge({ sum: b.sum.slice(), count: b.count }); // as it arrives from a thread: a plain object
    expect(merged.count).toBe(4);
    expect(Array.from(merged.sum)).toEqual(Array.from(whole.sum).map((x) => expect.closeTo(x, 6)));
  });

  test('refuses a part that cannot be a sum of clipped updates, or is of another size', () => {
    const s = new ClippedSum(2, 1);
    expect(() => s.merge({ sum: vec(3, 4), count: 2 })).toThrow(/over 2 × C/);
    expect(() => s.merge({ sum: vec(1, 0, 0), count: 1 })).toThrow(/3 values, expected 2/);
    expect(() => s.merge({ sum: vec(Number.NaN, 0), count: 1 })).toThrow(/norm NaN/);
    expect(s.count).toBe(0);
  });
});

describe('Aggregator', () => {
  test('divides by the count, or by the expected cohort when given one', () => {
    const updates = [vec(1, 0), vec(0, 1), vec(1, 1)];
    const byCount = new Aggregator(2, opts());
    const byExpected = new Aggregator(2, opts({ denominator: 4 }));
    for (const u of updates) {
      byCount.add(u);
      byExpected.add(u);
    }
    const clipped = 1 + Math.SQRT1_2;
    expect(Array.from(byCount.finish())).toEqual([expect.closeTo(clipped / 3, 6), expect.closeTo(clipped / 3, 6)]);
    expect(Array.from(byExpected.finish())).toEqual([expect.closeTo(clipped / 4, 6), expect.closeTo(clipped / 4, 6)]);
  });

  test('adds noise of standard deviation zC to the merged sum, once', () => {
    const n = 200_000;
    const acc = new Aggregator(n, { clipNorm: 0.5, noiseMultiplier: 2, cohort: 2, uniform: seededUniform(7), denominator: 10 });
    for (let k = 0; k < 2; k++) acc.merge({ sum: new Float32Array(n), count: 5 });
    const out = acc.finish();
    // (zC / denominator) = 0.1; σ of the estimate of σ is 0.1/√(2n).
    expect(l2norm(out) / Math.sqrt(n)).toBeCloseTo(0.1, 3);
  });

  test('refuses a denominator below the minimum cohort', () => {
    expect(() => new Aggregator(2, opts({ denominator: 1 }))).toThrow(/denominator 1 is below 2/);
  });
});
