// Additive shares: the leader's share plus the helper's expansion is the update, for random vectors
// of the demo's and Beauty's sizes, at the int16 extremes and across the ring's wrap-around; a
// whole cohort's shares plus both aggregators' noise decode to the exact noisy sum.
import { describe, expect, test } from 'vitest';
import { rng } from '../../shared/random';
import { MAX_CODE } from '../fixed-point';
import type { ReportContext } from './context';
import { DiscreteGaussian, noiseSigma, squared } from './discrete-gaussian';
import { SecAggError } from './errors';
import { expand } from './prg';
import { addInto, embed, ringWidth, toSigned, type Width } from './ring';
import { split } from './shares';

const ctx = (reportId: number): ReportContext => ({ round: 3, modelVersion: 'demo-a1b2c3d4e5f6', reportId: reportId.toString(16).padStart(32, '0') });

/** The first index where the two differ, or −1: cheaper than a deep equality on 84,608 values. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function randomUpdate(length: number, seed: number): Int16Array {
  const r = rng(seed);
  const x = Int16Array.from({ length }, () => Math.round((r() * 2 - 1) * MAX_CODE));
  // The extremes, and zero, at fixed places.
  x[0] = MAX_CODE;
  x[1] = -MAX_CODE;
  x[2] = 0;
  return x;
}

describe('split', () => {
  for (const [length, width] of [[10_656, 24], [10_656, 32], [84_608, 24], [84_608, 32]] as [number, Width][]) {
    test(`leader share + PRG(seed) = x mod 2^${width}, d = ${length}`, async () => {
      const x = randomUpdate(length, length + width);
      const { helperSeed, leaderShare } = await split(x, width, ctx(1));
      const sum = await expand(helperSeed, length, width, ctx(1));
      addInto(sum, leaderShare, width);
      expect(firstDifference(toSigned(sum, width), x)).toBe(-1);
    });
  }

  test('the helper must expand under the same context: another report id gives garbage', async () => {
    const x = randomUpdate(1000, 9);
    const { helperSeed, leaderShare } = await split(x, 32, ctx(1));
    const sum = await expand(helperSeed, 1000, 32, ctx(2));
    addInto(sum, leaderShare, 32);
    expect(toSigned(sum, 32).filter((v, i) => v === x[i]).length).toBeLessThan(5);
  });

  test('each split uses a fresh seed, and the leader share of an all-extreme update looks uniform', async () => {
    const x = new Int16Array(65_536).fill(MAX_CODE);
    const a = await split(x, 24, ctx(1));
    const b = await split(x, 24, ctx(1));
    expect(a.helperSeed).not.toEqual(b.helperSeed);
    // Top byte of each 24-bit share: Pearson chi-square, 255 df, α = 0.001.
    const counts = new Float64Array(256);
    for (const v of a.leaderShare) counts[v >>> 16]++;
    const expected = x.length / 256;
    expect(counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)).toBeLessThan(330.5);
  });

  test('refuses the int16 code no clipped encoding produces, and an empty update', async () => {
    await expect(split(Int16Array.of(1, -32768), 32, ctx(1))).rejects.toThrow(/value 1 is -32768/);
    await expect(split(new Int16Array(0), 32, ctx(1))).rejects.toThrow(SecAggError);
  });
});

describe('a cohort in the ring', () => {
  test('K = 50 extreme updates in 24 bits, plus both aggregators’ noise, decode to the exact noisy sum', async () => {
    const length = 512;
    const cohort = 50;
    const sigma = noiseSigma(1);
    const width = ringWidth(cohort, Number(sigma.num) / Number(sigma.den));
    expect(width).toBe(24);
    const leader = new Uint32Array(length);
    const helper = new Uint32Array(length);
    const truth = new Float64Array(length);
    for (let k = 0; k < cohort; k++) {
      // Half the coordinates all at +32767 and half at −32767: the sum wraps 24 bits many times over.
      const x = Int16Array.from({ length }, (_, i) => (i % 2 ? -MAX_CODE : MAX_CODE));
      const { helperSeed, leaderShare } = await split(x, width, ctx(k));
      addInto(leader, leaderShare, width);
      addInto(helper, await expand(helperSeed, length, width, ctx(k)), width);
      x.forEach((v, i) => (truth[i] += v));
    }
    const seeded = (seed: number) => (out: Uint32Array) => {
      const r = rng(seed);
      for (let i = 0; i < out.length; i++) out[i] = r() * 2 ** 32;
    };
    new DiscreteGaussian(squared(sigma), seeded(1)).addToRing(leader, width);
    new DiscreteGaussian(squared(sigma), seeded(2)).addToRing(helper, width);
    const n1 = new DiscreteGaussian(squared(sigma), seeded(1)).fill(new Int32Array(length));
    const n2 = new DiscreteGaussian(squared(sigma), seeded(2)).fill(new Int32Array(length));
    addInto(leader, helper, width);
    expect(toSigned(leader, width)).toEqual(Int32Array.from(truth, (t, i) => t + n1[i] + n2[i]));
    expect(embed(Int16Array.of(-1), width)[0]).toBe(2 ** 24 - 1);
  });
});
