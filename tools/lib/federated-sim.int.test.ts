// The simulator's client side: many devices in one pass give the round the same clipped sum as
// each device run alone would, in either aggregation mode, and its rounds are Poisson-sampled, as
// the accountant assumes. The main thread's two-aggregator rounds: an honest round takes the
// server step, a round whose sum fails the leader's range check changes nothing.
import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './backend';
import { loadDataset } from './dataset';
import { leaveLastOut } from './split';
import { configFor } from './presets';
import { rng } from '../../src/shared/random';
import { popularityCounts } from './baselines';
import { aliasPool } from './rerank';
import { clientSide, deviceInput, poissonCohort, simulateFederated, SIM_DEFAULTS, type SimOptions } from './federated-sim';
import { type SharePair } from './secagg-sim';
import { createWeights, weightSpecs, type Weights } from '../../src/model/weights';
import { generateKeyPair } from '../../src/privacy/secagg/hpke';
import { combineShares } from '../../src/privacy/secagg/aggregation';
import { toSigned } from '../../src/privacy/secagg/ring';
import { federatedNames } from '../../src/model/plain/federated-weights';
import { LOCAL_UPDATE_DEFAULTS, localDelta } from '../../src/model/train/local-update';
import { clipToNorm, scaleFor, sharedClipNorm } from '../../src/privacy/fixed-point';
import type { PartialSum } from '../../src/privacy/aggregate';

const FIXTURE = fileURLToPath(new URL('../fixtures/tiny', import.meta.url));

describe('poissonCohort', () => {
  test('takes each client independently with probability q', () => {
    const random = rng(5);
    const n = 2000;
    const q = 0.3;
    const counts = new Int32Array(n);
    const sizes: number[] = [];
    for (let r = 0; r < 400; r++) {
      const cohort = poissonCohort(n, q, random);
      expect(new Set(cohort).size).toBe(cohort.length);
      cohort.forEach((i) => counts[i]++);
      sizes.push(cohort.length);
    }
    // Sizes vary as a binomial's (σ = √(nq(1-q)) ≈ 20.5), not fixed at nq.
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const sd = Math.sqrt(sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / sizes.length);
    expect(Math.abs(mean - n * q)).toBeLessThan(4);
    expect(sd).toBeGreaterThan(15);
    expect(sd).toBeLessThan(26);
    // Every client is as likely as any other (binomial(400, 0.3): σ ≈ 9.2).
    expect(Math.min(...counts)).toBeGreaterThan(120 - 46);
    expect(Math.max(...counts)).toBeLessThan(120 + 46);
  });
});

/** The fixture's clients around a fresh model, and one round's job for all of them. */
async function fixtureRound() {
  await useBackend('wasm');
  const ds = await loadDataset(FIXTURE);
  const split = leaveLastOut(ds.users);
  const cfg = configFor(ds.items.length, true, {});
  const w = createWeights(weightSpecs(cfg), 2);
  const names = federatedNames(weightSpecs(cfg), 'dense');
  const clients = split.test.map((c, i) => ({ ...c, history: split.train[i] }));
  const popularity = popularityCounts(ds.items.length, split.train);
  const opts = { clipNorm: 0.3, local: LOCAL_UPDATE_DEFAULTS, seed: 3 };
  const values = await Promise.all(names.map(async (n) => (await w[n].data()) as Float32Array));
  const job = { round: 2, clients: clients.map((_, i) => i), values };
  const pool = aliasPool(Array.from(ds.items.keys()), popularity);
  /** Each device's update run alone, clipped to `clip`, summed. */
  const alone = async (clip: number) => {
    const want = new Float64Array(values.reduce((n, v) => n + v.length, 0));
    let count = 0;
    for (const c of job.clients) {
      const delta = await localDelta(w, cfg, names, deviceInput(ds, clients[c], pool, popularity, opts, job.round), opts.local);
      if (!delta) continue;
      clipToNorm(delta, clip);
      delta.forEach((x, i) => (want[i] += x));
      count++;
    }
    return { want, count };
  };
  // Three devices a pass: several passes, of histories sorted by length.
  const side = clientSide(w, cfg, names, ds, clients, popularity, opts, 3);
  return { side, job, opts, alone, length: values.reduce((n, v) => n + v.length, 0) };
}

/** Stochastic rounding moves each device's value by less than one step of the encoding. */
function expectWithinRounding(got: ArrayLike<number>, want: Float64Array, count: number, clipNorm: number) {
  const step = 1 / scaleFor(clipNorm);
  let worst = 0;
  want.forEach((x, i) => (worst = Math.max(worst, Math.abs(got[i] - x))));
  expect(worst).toBeLessThan(count * step);
  expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(100 * count * step);
}

describe('clientSide', () => {
  test("central: a round's devices in one pass sum to what each device, run alone, would upload", async () => {
    const { side, job, opts, alone } = await fixtureRound();
    const got = (await side(job)) as PartialSum;
    const { want, count } = await alone(opts.clipNorm);
    expect(count).toBeGreaterThan(5);
    expect(got.count).toBe(count);
    expectWithinRounding(got.sum, want, count, opts.clipNorm);
  }, 60_000);

  test("two-aggregator: the leader's and the helper's sums of the devices' reports combine to the same sum", async () => {
    const { side, job, opts, alone, length } = await fixtureRound();
    const width = 24;
    const got = (await side({ ...job, secagg: { round: job.round, modelVersion: 'simulated-2', width, helperKeys: await generateKeyPair(1) } })) as SharePair;
    const { want, count } = await alone(sharedClipNorm(opts.clipNorm, length));
    expect(count).toBeGreaterThan(5);
    expect([got.leader.count, got.helper.count]).toEqual([count, count]);
    // Neither share alone is anything like the sum.
    expect(Math.max(...toSigned(got.leader.sum, width).map(Math.abs))).toBeGreaterThan(2 ** 20);
    const sum = combineShares(got.leader.sum, got.helper.sum, width);
    const scale = scaleFor(opts.clipNorm);
    expectWithinRounding(Array.from(sum, (v) => v / scale), want, count, opts.clipNorm);
  }, 60_000);
});

// Stand-in threads for simulateFederated's main-thread side: each answers a job with a leader and a
// helper share of `devices × 1000` in every coordinate (shares that only add up to it), except in
// `evilRound`, where one of its reports adds 2^(w−2) to coordinate 0: no clipped device sends that.
const SCRIPTED_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', (job) => {
  const d = job.values.reduce((n, v) => n + v.length, 0);
  const width = job.secagg.width;
  const mod = 2 ** width;
  const n = job.clients.length;
  const leader = new Uint32Array(d);
  const helper = new Uint32Array(d);
  for (let i = 0; i < d; i++) {
    const x = n * 1000 + (job.round === workerData.evilRound && i === 0 ? 2 ** (width - 2) : 0);
    helper[i] = (i * 2654435761) % mod;
    leader[i] = (((x - helper[i]) % mod) + mod) % mod;
  }
  parentPort.postMessage({ result: { leader: { sum: leader, count: n, width }, helper: { sum: helper, count: n, width } } });
});`;

describe('simulateFederated, two-aggregator', () => {
  test("an honest round takes the server's step; a round refused by the range check changes nothing", async () => {
    await useBackend('wasm');
    const start = { a: tf.zeros([40]), b: tf.zeros([3, 5]) } as unknown as Weights;
    const opts: SimOptions = {
      ...SIM_DEFAULTS,
      aggregation: 'two-aggregator',
      rounds: 3,
      cohort: 20,
      noiseMultiplier: 0.5,
      threads: 2,
      log: () => {},
    };
    const after: Float32Array[] = [];
    // The malicious report is in the first thread's share of round 2.
    let threads = 0;
    const spawn = () => new Worker(SCRIPTED_THREAD, { eval: true, workerData: { evilRound: threads++ === 0 ? 2 : 0 } });
    const seen: number[] = [];
    // Each round's callback runs while the next round's jobs do: it must still see its own round's weights.
    const result = await simulateFederated(start, ['a', 'b'], 40, opts, spawn, async (round, w) => {
      seen.push(round);
      after.push(new Float32Array([...(await w.a.data()), ...(await w.b.data())]));
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(result.ring?.width).toBe(24);
    expect(result.rounds.map((r) => r.refused === undefined)).toEqual([true, false, true]);
    expect(result.rounds[1].refused).toMatch(/^coordinate 0 of the sum is \d+, beyond/);
    expect(result.rounds.every((r) => r.updates > 2)).toBe(true);
    // Round 1 moved every weight (Adam's first step is ±lr); round 2 left them as they were.
    expect(after[0].every((v) => Math.abs(v) > 0.005)).toBe(true);
    expect(Array.from(after[1])).toEqual(Array.from(after[0]));
    expect(Array.from(after[2])).not.toEqual(Array.from(after[1]));
  }, 60_000);

  test('a device thread that ends without answering fails the run instead of leaving it waiting', async () => {
    await useBackend('wasm');
    const start = { a: tf.zeros([40]) } as unknown as Weights;
    const opts: SimOptions = { ...SIM_DEFAULTS, aggregation: 'two-aggregator', rounds: 2, cohort: 20, noiseMultiplier: 0.5, threads: 2, log: () => {} };
    // One thread scripted as above, one that ends when its first job comes.
    let threads = 0;
    const spawn = () =>
      threads++ === 0
        ? new Worker(SCRIPTED_THREAD, { eval: true, workerData: { evilRound: 0 } })
        : new Worker(`require('node:worker_threads').parentPort.once('message', () => process.exit(3));`, { eval: true });
    await expect(simulateFederated(start, ['a'], 40, opts, spawn)).rejects.toThrow(/round 1: a device thread ended \(3\) without its result/);
  }, 60_000);
});
