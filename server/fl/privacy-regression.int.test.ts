// Privacy regression tests. Open-source federated projects have lost their differential privacy
// silently in a refactor: each test here fails if clipping or noise is turned off, if the noise is
// mis-scaled, or if a round can be aggregated with fewer devices than the configured minimum.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { aggregate, Aggregator, MIN_COHORT, type AggregateOptions } from '../../src/privacy/aggregate';
import { checkFlConfig, FL_DEFAULTS, flConfigFromEnv } from './config';
import { decodeUpdate } from '../../src/privacy/fixed-point';
import { createFlService } from './service';
import { createLedger } from './ledger';
import { openSqliteStore } from './sqlite-store';
import {
  bytesOf, diff, INITIAL_MODEL, l2, meanStd, openService, publishedValues, randomDelta, seededUniform, submit, tempDir, testConfig, unclippedUpdate, validUpdate,
  type OpenService,
} from './fl-test-helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('configuration refuses settings that void the guarantee', () => {
  test('a cohort of one (it would publish one device’s update) is refused at start-up and by every aggregation path', () => {
    expect(() => flConfigFromEnv({ FL_COHORT: '1' })).toThrow(/^FL_COHORT=1: must be at least 2$/);
    const one = [Float32Array.of(0.1, 0.2)];
    const options = { clipNorm: 1, noiseMultiplier: 1, cohort: 1, uniform: seededUniform(1) };
    expect(() => aggregate(one, options)).toThrow(/the cohort needs 2/);
    // The simulator's path: an Aggregator that merges partial sums, divided by the expected cohort.
    const acc = new Aggregator(2, options);
    acc.add(one[0]);
    expect(() => acc.finish()).toThrow(/the cohort needs 2/);
    expect(() => new Aggregator(2, { ...options, denominator: 1 })).toThrow(/denominator 1 is below 2/);
  });

  test.each([
    [{ FL_NOISE_MULTIPLIER: '0' }, /^FL_NOISE_MULTIPLIER=0: must be > 0 \(no noise, no privacy\)$/],
    [{ FL_NOISE_MULTIPLIER: '-1' }, /^FL_NOISE_MULTIPLIER=-1/],
    [{ FL_NOISE_MULTIPLIER: 'NaN' }, /^FL_NOISE_MULTIPLIER=NaN/],
    [{ FL_COHORT: '1' }, /^FL_COHORT=1: must be at least 2$/],
    [{ FL_COHORT: '0' }, /^FL_COHORT=0: must be at least 2$/],
    [{ FL_COHORT: '2.5' }, /^FL_COHORT=2.5: must be an integer$/],
    [{ FL_CLIP_NORM: 'Infinity' }, /^FL_CLIP_NORM=Infinity/],
    [{ FL_CLIP_NORM: '0' }, /^FL_CLIP_NORM=0/],
    [{ FL_CLIP_NORM: 'abc' }, /^FL_CLIP_NORM=abc/],
    [{ FL_SERVER_OPTIMIZER: 'yogi' }, /^FL_SERVER_OPTIMIZER=yogi: must be adam or sgd$/],
    [{ FL_WEIGHTS: 'item,brand' }, /^FL_WEIGHTS=item,brand: must be dense or all$/],
    [{ FL_ROUNDS: '2.5' }, /^FL_ROUNDS=2.5: must be a positive integer$/],
    [{ FL_COHORT: '20', FL_POPULATION: '10' }, /^FL_COHORT \(20\) cannot exceed FL_POPULATION \(10\)$/],
  ])('env %o is refused', (env, message) => {
    expect(() => flConfigFromEnv(env)).toThrow(message);
  });

  test.each([
    [{ noiseMultiplier: 0 }, /FL_NOISE_MULTIPLIER must be > 0/],
    [{ cohort: MIN_COHORT - 1 }, /FL_COHORT=1: must be at least 2/],
    [{ clipNorm: Infinity }, /FL_CLIP_NORM must be a finite number > 0/],
    [{ clipNorm: Number.NaN }, /FL_CLIP_NORM must be a finite number > 0/],
  ])('a config object %o built in code is refused too, by checkFlConfig and by the service', async (override, message) => {
    const cfg = { ...FL_DEFAULTS, population: 1000, ...override };
    expect(() => checkFlConfig(cfg)).toThrow(message);
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const store = openSqliteStore(join(tmp.dir, 'fl.db'));
    cleanups.unshift(() => store.close());
    await expect(createFlService({ cfg, store, initialModel: INITIAL_MODEL })).rejects.toThrow(message);
  });

  test('a server on the defaults publishes nothing from a few devices, and stops within its ε budget', async () => {
    const cfg = flConfigFromEnv({});
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const fl = await openService({ dbPath: join(tmp.dir, 'fl.db'), cfg, uniform: seededUniform(5) });
    cleanups.unshift(() => fl.store.close());
    const info = await fl.service.round();
    for (let i = 0; i < 2 * MIN_COHORT; i++) await submit(fl.service, info, validUpdate(info, i));
    expect(await fl.service.model()).toMatchObject({ version: info.model.version, round: null });
    // Training on the defaults ends: once the rounds the budget allows are spent, no other opens.
    const ledger = createLedger(cfg);
    const spent = Array.from({ length: ledger.horizon }, () => ledger.charge);
    expect(ledger.stopReason(spent)).toBe('the privacy budget is spent');
    expect(ledger.spent(spent)).toBeLessThanOrEqual(cfg.epsilonBudget);
  });
});

describe('aggregate()', () => {
  const opts = (o: Partial<AggregateOptions> = {}): AggregateOptions => ({ clipNorm: 0.5, noiseMultiplier: 1.3, cohort: 4, uniform: seededUniform(1), ...o });
  const zeros = (n: number, length: number) => Array.from({ length: n }, () => new Float32Array(length));

  test('refuses fewer updates than the cohort', () => {
    expect(() => aggregate(zeros(3, 10), opts())).toThrow('aggregate: 3 updates, the cohort needs 4');
  });

  test('refuses a cohort option below the minimum, whatever the caller asks', () => {
    expect(() => aggregate(zeros(1, 10), opts({ cohort: 1 }))).toThrow(/cohort/);
    expect(() => aggregate([], opts({ cohort: 0 }))).toThrow(/cohort/);
  });

  test.each([0, -1, Number.NaN])('refuses noise multiplier %s', (z) => {
    expect(() => aggregate(zeros(4, 10), opts({ noiseMultiplier: z }))).toThrow('aggregate: refusing to aggregate without noise');
  });

  test.each([0, Infinity, Number.NaN])('refuses clip norm %s', (c) => {
    expect(() => aggregate(zeros(4, 10), opts({ clipNorm: c }))).toThrow(/clip/);
  });

  test('refuses an update with a non-finite value instead of spreading NaN over the model', () => {
    const bad = zeros(4, 10);
    bad[2][3] = Number.NaN;
    expect(() => aggregate(bad, opts())).toThrow(/not finite/);
  });

  test('adds Gaussian noise of standard deviation z·C/n per coordinate (measured over 200,000 coordinates)', () => {
    const n = 4;
    const out = aggregate(zeros(n, 200_000), opts({ cohort: n }));
    const { mean, std } = meanStd(out);
    const expected = (1.3 * 0.5) / n;
    expect(std / expected).toBeGreaterThan(0.98);
    expect(std / expected).toBeLessThan(1.02);
    expect(Math.abs(mean)).toBeLessThan((4 * expected) / Math.sqrt(200_000));
    // Gaussian, not some other spread: about 68.3% within one σ, 95.4% within two.
    const within = (k: number) => out.filter((v) => Math.abs(v) < k * expected).length / out.length;
    expect(within(1)).toBeCloseTo(0.6827, 2);
    expect(within(2)).toBeCloseTo(0.9545, 2);
  });

  test('noise is per coordinate and independent of the updates: output − plain mean has the same σ', () => {
    const n = 5;
    const updates = Array.from({ length: n }, (_, i) => randomDelta(100_000, 0.4, i + 1));
    const out = aggregate(updates, opts({ cohort: n }));
    const plain = new Float32Array(100_000).map((_, j) => updates.reduce((s, u) => s + u[j], 0) / n);
    const { std } = meanStd(diff(out, plain));
    expect(std / ((1.3 * 0.5) / n)).toBeGreaterThan(0.98);
    expect(std / ((1.3 * 0.5) / n)).toBeLessThan(1.02);
  });

  test('re-clips an over-norm update it is handed: its influence is exactly C/n', () => {
    const n = 4;
    const huge = randomDelta(50_000, 50, 7); // 100 × C
    const withHuge = aggregate([huge, ...zeros(n - 1, 50_000)], opts({ cohort: n, uniform: seededUniform(3) }));
    const without = aggregate(zeros(n, 50_000), opts({ cohort: n, uniform: seededUniform(3) }));
    expect(l2(diff(withHuge, without))).toBeCloseTo(0.5 / n, 4);
  });
});

describe('the service', () => {
  let fl: OpenService;
  const open = async (o: Parameters<typeof testConfig>[0] = {}, seed = 11) => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    fl = await openService({ dbPath: join(tmp.dir, 'fl.db'), cfg: testConfig(o), uniform: seededUniform(seed) });
    cleanups.unshift(() => fl.store.close());
    return fl.service;
  };

  test('rejects an update over C at upload (1% over is beyond the rounding allowance), accepts one at C', async () => {
    const service = await open({ cohort: 5 });
    const info = await service.round();
    await expect(submit(service, info, unclippedUpdate(info, 1, 1.01))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^update: L2 norm 1\.01\d* exceeds the clip norm 1$/) });
    await expect(submit(service, info, validUpdate(info, 1, 1))).resolves.toMatchObject({ accepted: true, received: 1 });
  });

  test('publishes nothing before K updates, even with K−1 waiting', async () => {
    const service = await open({ cohort: 3 });
    const info = await service.round();
    for (let i = 0; i < 2; i++) await submit(service, info, validUpdate(info, i));
    expect(await service.model()).toMatchObject({ version: info.model.version, round: null });
    expect(await service.status()).toMatchObject({ roundsCompleted: 0, epsilon: 0 });
  });

  test('the published delta is the mean of the updates plus noise of σ = LR·z·C/n, not the plain mean', async () => {
    const n = 3;
    const lr = 0.8;
    // FedAvg's step maps the noisy mean onto the weights one to one, so the weights show the noise.
    const service = await open({ cohort: n, noiseMultiplier: 1.2, clipNorm: 0.7, serverOptimizer: 'sgd', serverLearningRate: lr });
    const info = await service.round();
    const codes = [0, 1, 2].map((i) => validUpdate(info, 40 + i));
    for (const c of codes) await submit(service, info, c);
    const before = await publishedValues(service, info.model.version);
    const after = await publishedValues(service, (await service.model()).version);
    const updates = codes.map((c) => decodeUpdate(bytesOf(c), info.length, info.scale) as Float32Array);
    const plain = new Float32Array(info.length).map((_, j) => before[j] + (lr * updates.reduce((s, u) => s + u[j], 0)) / n);
    const residual = diff(after, plain);
    const { mean, std } = meanStd(residual);
    const sigma = (lr * 1.2 * 0.7) / n;
    expect(std / sigma).toBeGreaterThan(0.97);
    expect(std / sigma).toBeLessThan(1.03);
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(info.length));
  });
});
