// The simulator's two-aggregator round on the production report and aggregation code: devices
// spread over two threads give the leader and the helper partial sums whose merged, noised and
// combined result is exactly the plain sum of the devices' updates plus the two aggregators' noise
// (seeded here); a report carrying an arbitrary ring element gets the round refused; a device's
// clip leaves room for stochastic rounding, so buildReport never refuses an honest update.
import { describe, expect, test } from 'vitest';
import { rng } from '../../src/shared/random';
import { encodeClipped, l2norm, MAX_CODE, scaleFor, sharedClipNorm } from '../../src/privacy/fixed-point';
import { DiscreteGaussian, noiseSigma, squared } from '../../src/privacy/secagg/discrete-gaussian';
import { generateKeyPair } from '../../src/privacy/secagg/hpke';
import { buildReport, encodeReport, parseReport } from '../../src/privacy/secagg/report';
import { maxReports, ringWidth, toBytes, type Width } from '../../src/privacy/secagg/ring';
import type { FillWords } from '../../src/privacy/secagg/uniform';
import { addHelperShare, noiseSigmaUnits } from '../../src/privacy/secagg/aggregation';
import { deviceUpdate, simulationRing, SimulatedAggregators, TwoAggregatorRound, type SecAggRound } from './secagg-sim';

const helperKeys = await generateKeyPair(3);
const Z = 1.3;
const C = 0.3;
const SCALE = scaleFor(C);

const seeded = (seed: number): FillWords => {
  const r = rng(seed);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = r() * 2 ** 32;
  };
};

/** A device's delta: random, of L2 norm `norm` (in model units). */
function delta(length: number, seed: number, norm: number): Float32Array {
  const r = rng(seed);
  const v = Float32Array.from({ length }, () => r() * 2 - 1);
  const f = norm / l2norm(v);
  return v.map((x) => x * f);
}

function roundOf(width: Width, round = 4): SecAggRound {
  return { round, modelVersion: 'simulated-4', width, helperKeys };
}

describe('a simulated two-aggregator round', () => {
  test.each([
    [24, 'at the end'],
    [32, 'at the end'],
    [24, 'while the devices run'],
  ] as [Width, string][])('equals the plain sum of the updates plus both aggregators’ noise (%i-bit ring, two threads, noise drawn %s)', async (width, when) => {
    const d = 3000;
    const K = 7;
    // Some devices far over the clip norm, some under it.
    const updates = Array.from({ length: K }, (_, i) => deviceUpdate(delta(d, i + 1, i % 2 ? 5 * C : C / 3), C, SCALE));
    const threads = [new SimulatedAggregators(d, roundOf(width)), new SimulatedAggregators(d, roundOf(width))];
    const round = new TwoAggregatorRound(d, width);
    const noiseSources = { leader: seeded(11), helper: seeded(12) };
    if (when !== 'at the end') round.drawNoise({ noiseMultiplier: Z, noiseSources });
    await Promise.all(updates.map((u, i) => threads[i % 2].add(u)));
    for (const t of threads) round.merge(t.result());
    expect(round.count).toBe(K);
    const denominator = 6.5;
    const release = round.finish({ noiseMultiplier: Z, denominator, scale: SCALE, noiseSources: when === 'at the end' ? noiseSources : undefined });
    if (!release.ok) throw new Error(release.reason);

    // The same draws, from the exact sampler, in coordinate order.
    const draw = (seed: number) => new DiscreteGaussian(squared(noiseSigma(Z)), seeded(seed)).fill(new Int32Array(d));
    const [leaderNoise, helperNoise] = [draw(11), draw(12)];
    const f = 1 / (denominator * SCALE);
    const want = new Float32Array(d);
    let noiseless = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (const u of updates) s += u[j];
      want[j] = (s + leaderNoise[j] + helperNoise[j]) * f;
      if (Math.abs(release.mean[j] - s * f) < 1e-12) noiseless++;
    }
    expect(Array.from(release.mean)).toEqual(Array.from(want));
    // The noise is there: σ = 1.3·32767 per aggregator leaves almost no coordinate unmoved.
    expect(noiseless).toBeLessThan(d / 100);
  });

  test('refuses the round when one report carries an arbitrary ring element, and publishes nothing', async () => {
    const d = 2000;
    const width: Width = 24;
    const honest = new SimulatedAggregators(d, roundOf(width));
    await honest.add(deviceUpdate(delta(d, 1, C), C, SCALE));
    // A malicious device: any bytes as its leader share; the leader cannot tell them from a share.
    const evil = await buildReport({ update: deviceUpdate(delta(d, 2, C), C, SCALE), round: 4, modelVersion: 'simulated-4', width, helperConfig: helperKeys.config });
    const r = rng(5);
    const garbage = toBytes(Uint32Array.from({ length: d }, () => Math.floor(r() * 2 ** width)), width);
    const report = parseReport(encodeReport({ ...evil, leaderShare: garbage }));
    const attacker = new SimulatedAggregators(d, roundOf(width));
    attacker.leader.addBytes(report.leaderShare);
    await addHelperShare(attacker.helper, [helperKeys], report);

    const round = new TwoAggregatorRound(d, width);
    round.merge(honest.result());
    round.merge(attacker.result());
    const release = round.finish({ noiseMultiplier: Z, denominator: 2, scale: SCALE });
    expect(release).toMatchObject({ ok: false, reason: expect.stringMatching(/beyond|exceeds/) });
    expect('mean' in release).toBe(false);
  });

  test('refuses partial sums whose leader and helper counts differ', () => {
    const round = new TwoAggregatorRound(10, 24);
    const part = (count: number) => ({ sum: new Uint32Array(10), count, width: 24 as Width });
    expect(() => round.merge({ leader: part(2), helper: part(1) })).toThrow(/leader summed 2 reports, its helper 1/);
  });
});

describe('the device’s clip in two-aggregator mode', () => {
  // Beauty's federated update: √d / 32767 leaves 0.89% of C for stochastic rounding.
  const d = 84_608;

  test('an update buildReport refuses at C alone is accepted at the clip for this mode', async () => {
    // Every value positive and every one rounded up (the draw next to 1): the norm grows by up to √d.
    const positive = delta(d, 7, 1).map(Math.abs);
    const over = encodeClipped(positive, C, SCALE, () => 0.999999);
    expect(l2norm(over)).toBeGreaterThan(MAX_CODE);
    await expect(buildReport({ update: over, round: 1, modelVersion: 'm', width: 32, helperConfig: helperKeys.config })).rejects.toThrow(/exceeds 32767/);
    const report = await buildReport({ update: deviceUpdate(positive, C, SCALE), round: 1, modelVersion: 'm', width: 32, helperConfig: helperKeys.config });
    expect(report.length).toBe(d);
    // Stochastic rounding moves the encoded norm by far less than the room left for it.
    expect(Math.abs(l2norm(deviceUpdate(positive, C, SCALE)) / (sharedClipNorm(C, d) * SCALE) - 1)).toBeLessThan(1e-3);
  });
});

describe('the simulation’s ring', () => {
  test('holds the largest Poisson cohort with both noises: 32 bits for Beauty at q = 0.2, 24 for the fixture', () => {
    const beauty = simulationRing(22_363, 0.2, Z);
    expect(beauty.width).toBe(32);
    expect(beauty.maxReports).toBe(maxReports(32, noiseSigmaUnits(Z)));
    // The expected cohort plus 10 standard deviations (60 clients) fits.
    expect(beauty.maxReports).toBeGreaterThan(4473 + 600);
    const tiny = simulationRing(40, 0.25, Z);
    expect(tiny).toEqual({ width: ringWidth(40, noiseSigmaUnits(Z)), maxReports: maxReports(24, noiseSigmaUnits(Z)) });
    expect(tiny.width).toBe(24);
    expect(tiny.maxReports).toBeGreaterThanOrEqual(40);
  });
});
