// The simulator's client side: many devices in one pass give the round the same clipped sum as
// each device run alone would, and its rounds are Poisson-sampled, as the accountant assumes.
import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { useBackend } from './backend';
import { loadDataset } from './dataset';
import { leaveLastOut } from './split';
import { configFor } from './presets';
import { rng } from '../../src/shared/random';
import { popularityCounts } from './baselines';
import { aliasPool } from './rerank';
import { clientSide, deviceInput, poissonCohort } from './federated-sim';
import { createWeights, weightSpecs } from '../../src/model/weights';
import { federatedNames } from '../../src/model/plain/federated-weights';
import { LOCAL_UPDATE_DEFAULTS, localDelta } from '../../src/model/train/local-update';
import { clipToNorm, scaleFor } from '../../src/privacy/fixed-point';

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

describe('clientSide', () => {
  test("a round's devices in one pass sum to what each device, run alone, would upload", async () => {
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
    // Three devices a pass: several passes, of histories sorted by length.
    const got = await clientSide(w, cfg, names, ds, clients, popularity, opts, 3)(job);

    const pool = aliasPool(Array.from(ds.items.keys()), popularity);
    const want = new Float64Array(got.sum.length);
    let count = 0;
    for (const c of job.clients) {
      const delta = await localDelta(w, cfg, names, deviceInput(ds, clients[c], pool, popularity, opts, job.round), opts.local);
      if (!delta) continue;
      clipToNorm(delta, opts.clipNorm);
      delta.forEach((x, i) => (want[i] += x));
      count++;
    }
    expect(count).toBeGreaterThan(5);
    expect(got.count).toBe(count);
    // Stochastic rounding moves each device's value by less than one step of the encoding.
    const step = 1 / scaleFor(opts.clipNorm);
    let worst = 0;
    want.forEach((x, i) => (worst = Math.max(worst, Math.abs(got.sum[i] - x))));
    expect(worst).toBeLessThan(count * step);
    expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(100 * count * step);
  }, 60_000);
});
