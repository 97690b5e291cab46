// The aggregators' arithmetic on real reports: without noise the two aggregate shares decode to the
// exact sum of the updates; each aggregator's noise has the calibrated spread; the range check
// passes every honest round (updates at the clip bound, many noise draws) and refuses a report that
// carries an arbitrary ring element or an oversized update; the mean is decoded with the given
// denominator. Seeded noise sources make the statistics the same on every run.
import { describe, expect, test } from 'vitest';
import { rng } from '../../shared/random';
import { MAX_CODE } from '../fixed-point';
import {
  addAggregatorNoise, addHelperShare, checkRange, combineShares, decodeMean, noiseSigmaUnits, rangeLimits, releaseMean, ShareSum,
} from './aggregation';
import { SecAggError } from './errors';
import { generateKeyPair } from './hpke';
import { buildReport, encodeReport, parseReport, type Report } from './report';
import { embed, ringWidth, sumBound, toBytes, type Width } from './ring';
import type { FillWords } from './uniform';

const keys = await generateKeyPair(7);
const ROUND = { round: 12, modelVersion: 'demo-5eed5eed5eed' };
const Z = 1;
const SIGMA = noiseSigmaUnits(Z);

const seeded = (seed: number): FillWords => {
  const r = rng(seed);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = r() * 2 ** 32;
  };
};

/** A random update of L2 norm `norm` (≤ 32767), as a clipped encoding is. */
function update(length: number, seed: number, norm = MAX_CODE): Int16Array {
  const r = rng(seed);
  const v = Float64Array.from({ length }, () => r() * 2 - 1);
  const f = norm / Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  // Truncation only shrinks the norm.
  return Int16Array.from(v, (x) => Math.trunc(x * f));
}

async function reportsFor(updates: Int16Array[], width: Width): Promise<Report[]> {
  return Promise.all(updates.map(async (x) => parseReport(encodeReport(await buildReport({ update: x, ...ROUND, width, helperConfig: keys.config })))));
}

/** Both aggregators' sums over `reports`, noiseless. */
async function aggregateShares(reports: Report[], length: number, width: Width): Promise<{ leader: ShareSum; helper: ShareSum }> {
  const leader = new ShareSum(length, width);
  const helper = new ShareSum(length, width);
  for (const r of reports) {
    leader.addBytes(r.leaderShare);
    await addHelperShare(helper, [keys], r);
  }
  return { leader, helper };
}

function exactSum(updates: Int16Array[]): Int32Array {
  const out = new Int32Array(updates[0].length);
  for (const x of updates) for (let i = 0; i < x.length; i++) out[i] += x[i];
  return out;
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('the two aggregate shares', () => {
  test('without noise, leader sum + helper sum decodes to the exact sum of the updates (d = 10,656, K = 5)', async () => {
    const d = 10_656;
    const width = ringWidth(5, SIGMA);
    const updates = [1, 2, 3, 4, 5].map((s) => update(d, s));
    const { leader, helper } = await aggregateShares(await reportsFor(updates, width), d, width);
    expect([leader.count, helper.count]).toEqual([5, 5]);
    expect(firstDifference(combineShares(leader.sum, helper.sum, width), exactSum(updates))).toBe(-1);
  });

  test('a sum merged from two adders equals the sum of one adder', async () => {
    const d = 1000;
    const width: Width = 24;
    const reports = await reportsFor([1, 2, 3, 4].map((s) => update(d, s)), width);
    const whole = new ShareSum(d, width);
    const halves = [new ShareSum(d, width), new ShareSum(d, width)];
    reports.forEach((r, i) => {
      whole.addBytes(r.leaderShare);
      halves[i % 2].addBytes(r.leaderShare);
    });
    halves[0].merge(halves[1]);
    expect(halves[0].count).toBe(4);
    expect(firstDifference(halves[0].sum, whole.sum)).toBe(-1);
    expect(() => halves[0].merge(new ShareSum(d, 32))).toThrow(/32-bit partial sum into a 24-bit/);
  });

  test('the helper refuses a report whose seed does not open, or of another size, and adds nothing', async () => {
    const d = 100;
    const [r] = await reportsFor([update(d, 1)], 24);
    const sum = new ShareSum(d, 24);
    const tampered = { ...r, sealedSeed: { ...r.sealedSeed, ciphertext: r.sealedSeed.ciphertext.map((b, i) => (i === 0 ? b ^ 1 : b)) } };
    await expect(addHelperShare(sum, [keys], tampered)).rejects.toMatchObject({ code: 'decrypt-failed' });
    await expect(addHelperShare(sum, [keys], { ...r, reportId: 'ab'.repeat(16) })).rejects.toMatchObject({ code: 'decrypt-failed' });
    await expect(addHelperShare(new ShareSum(d + 1, 24), [keys], r)).rejects.toBeInstanceOf(SecAggError);
    await expect(addHelperShare(new ShareSum(d, 32), [keys], r)).rejects.toMatchObject({ code: 'wrong-size' });
    expect(sum.count).toBe(0);
    expect(sum.sum.every((v) => v === 0)).toBe(true);
  });
});

describe('each aggregator’s noise', () => {
  test('is N_Z(0, (z·32767)²) per coordinate: the combined noise has mean 0 and variance 2σ² (d = 20,000)', () => {
    const d = 20_000;
    const width: Width = 32;
    const leader = new Uint32Array(d);
    const helper = new Uint32Array(d);
    addAggregatorNoise(leader, width, Z, seeded(1));
    addAggregatorNoise(helper, width, Z, seeded(2));
    const noise = combineShares(leader, helper, width);
    let s = 0;
    let s2 = 0;
    for (const v of noise) {
      s += v;
      s2 += v * v;
    }
    const mean = s / d;
    const variance = s2 / d - mean * mean;
    // The sample mean's standard error is √2σ/√d ≈ 328: 5 standard errors.
    expect(Math.abs(mean)).toBeLessThan((5 * Math.SQRT2 * SIGMA) / Math.sqrt(d));
    // The sample variance's relative standard error is √(2/d) = 1%: 4 of them.
    expect(variance / (2 * SIGMA * SIGMA)).toBeGreaterThan(0.96);
    expect(variance / (2 * SIGMA * SIGMA)).toBeLessThan(1.04);
    // Independent draws on the two shares (the same seed would double one noise instead).
    expect(firstDifference(leader, helper)).toBeGreaterThanOrEqual(0);
  });

  test('σ in fixed-point units is z·32767, never rounded down', () => {
    expect(noiseSigmaUnits(1)).toBe(MAX_CODE);
    expect(noiseSigmaUnits(1.3)).toBeGreaterThanOrEqual(1.3 * MAX_CODE);
    expect(noiseSigmaUnits(1.3) - 1.3 * MAX_CODE).toBeLessThan(2 ** -10);
  });
});

describe('the range check', () => {
  const d = 10_656;
  const K = 2;
  const width = ringWidth(K, SIGMA);

  test('passes every honest round: 20 noise draws over K updates at the clip bound, all in one direction', async () => {
    // The worst honest case for the L2 bound: the updates add up to K·32767.
    const x = update(d, 9);
    const { leader, helper } = await aggregateShares(await reportsFor([x, x], width), d, width);
    for (let seed = 0; seed < 20; seed++) {
      const l = leader.sum.slice();
      const h = helper.sum.slice();
      addAggregatorNoise(l, width, Z, seeded(100 + seed));
      addAggregatorNoise(h, width, Z, seeded(200 + seed));
      const check = checkRange(combineShares(l, h, width), K, SIGMA);
      expect(check, `noise draw ${seed}`).toMatchObject({ ok: true });
    }
  });

  test('per coordinate at the extreme: K updates of one coordinate at ±32767 plus noise at 20σ pass, one unit more is refused', () => {
    const limits = rangeLimits(K, d, SIGMA);
    expect(limits.coordinate).toBe(sumBound(K, SIGMA));
    const sum = new Int32Array(d);
    sum[5] = -limits.coordinate;
    expect(checkRange(sum, K, SIGMA).ok).toBe(true);
    sum[5] -= 1;
    expect(checkRange(sum, K, SIGMA)).toMatchObject({ ok: false, reason: expect.stringMatching(/^coordinate 5 of the sum is -\d+, beyond/) });
  });

  test('refuses a round with one report that carries an arbitrary ring element (a malicious device)', async () => {
    const honest = await reportsFor([update(d, 1)], width);
    const [evil] = await reportsFor([update(d, 2)], width);
    // Any bytes in the leader's share: the leader cannot tell them from a real share.
    const r = rng(3);
    const garbage = Uint32Array.from({ length: d }, () => Math.floor(r() * 2 ** width));
    const { leader, helper } = await aggregateShares([...honest, { ...evil, leaderShare: toBytes(garbage, width) }], d, width);
    addAggregatorNoise(leader.sum, width, Z, seeded(4));
    addAggregatorNoise(helper.sum, width, Z, seeded(5));
    const release = releaseMean({ leader: leader.sum, helper: helper.sum, width, reports: K, noiseMultiplier: Z, denominator: K, scale: MAX_CODE });
    expect(release).toMatchObject({ ok: false, reason: expect.stringMatching(/beyond/) });
  });

  test('refuses by L2 an update that is within the bound per coordinate but far over the clip norm', async () => {
    // Every coordinate at 30,000: within the per-coordinate bound (K·32767 + 40σ), but an L2 norm of
    // 3.1 million, 94 times the clip norm. The noise's own norm is about σ√(2d) = 4.8 million, so a
    // check on the noisy sum cannot see much smaller attacks (README "Threat model").
    const evilUpdate = new Int16Array(d).fill(30_000);
    const honest = update(d, 1);
    const evilShare = new ShareSum(d, width);
    evilShare.addVector(embed(evilUpdate, width));
    evilShare.addVector(embed(honest, width));
    addAggregatorNoise(evilShare.sum, width, Z, seeded(6));
    const other = new Uint32Array(d);
    addAggregatorNoise(other, width, Z, seeded(7));
    const check = checkRange(combineShares(evilShare.sum, other, width), K, SIGMA);
    expect(check.maxAbs).toBeLessThan(check.limits.coordinate);
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/L2 norm \d+ exceeds \d+/) });
  });

  test('the L2 limit: K·32767 for the updates plus the noise norm at its χ² tail', () => {
    const { l2 } = rangeLimits(3, 100, 10);
    expect(l2).toBeCloseTo(3 * MAX_CODE + Math.sqrt(2 * 100 * (100 + 2 * Math.sqrt(100 * 200) + 400)), 6);
    // About 14% above the noise's typical norm σ√(2d) at the demo's size, on top of K·C.
    expect((rangeLimits(K, d, SIGMA).l2 - K * MAX_CODE) / (SIGMA * Math.sqrt(2 * d))).toBeCloseTo(1.145, 2);
  });
});

describe('decoding', () => {
  test('the mean is sum / (denominator · scale)', () => {
    const mean = decodeMean(Int32Array.of(32767, -65534, 0), 2, 32767 / 0.3);
    expect(Array.from(mean)).toEqual([expect.closeTo(0.15, 6), expect.closeTo(-0.3, 6), 0]);
    expect(() => decodeMean(Int32Array.of(1), 0, 1)).toThrow(/denominator/);
    expect(() => decodeMean(Int32Array.of(1), 2, Number.NaN)).toThrow(/scale/);
  });

  test('releaseMean: an honest round decodes to the true mean plus noise of the calibrated spread', async () => {
    const d = 10_656;
    const K = 3;
    const width = ringWidth(K, SIGMA);
    const updates = [1, 2, 3].map((s) => update(d, s, 0.9 * MAX_CODE));
    const { leader, helper } = await aggregateShares(await reportsFor(updates, width), d, width);
    addAggregatorNoise(leader.sum, width, Z, seeded(8));
    addAggregatorNoise(helper.sum, width, Z, seeded(9));
    const scale = MAX_CODE / 0.3;
    const release = releaseMean({ leader: leader.sum, helper: helper.sum, width, reports: K, noiseMultiplier: Z, denominator: K, scale });
    if (!release.ok) throw new Error(release.reason);
    const truth = exactSum(updates);
    let s2 = 0;
    for (let i = 0; i < d; i++) s2 += (release.mean[i] - truth[i] / (K * scale)) ** 2;
    // Per coordinate the error is the two noises over K·scale: √2·z·C / K in model units.
    const expected = (Math.SQRT2 * Z * 0.3) / K;
    expect(Math.sqrt(s2 / d) / expected).toBeGreaterThan(0.96);
    expect(Math.sqrt(s2 / d) / expected).toBeLessThan(1.04);
  });
});
