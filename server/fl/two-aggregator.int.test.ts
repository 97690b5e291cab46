// Two-aggregator mode end to end over HTTP: devices' reports go to the leader only; the leader
// stores each before acknowledging it, forwards the sealed seeds, and once the cohort is in both
// aggregators sum the same set with their own noise; the leader publishes the noisy mean. The
// released model is the devices' exact mean plus the two noises (replayed from seeded sources),
// and central mode's on the same updates to within its noise. A resent report counts once. What
// the leader stores of a report is uniform and independent of the update; the helper stores seeds.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { epsilonAfter } from '../../src/privacy/accountant';
import { addGaussian } from '../../src/privacy/noise';
import { addAggregatorNoise } from '../../src/privacy/secagg/aggregation';
import { parseReport } from '../../src/privacy/secagg/report';
import { fromBytes, toSigned, type Width } from '../../src/privacy/secagg/ring';
import { roundRate, SERVER_OPTIMIZER_DEFAULTS } from '../../src/privacy/server-optimizer';
import type { FlStatus, RoundInfo } from '../../src/sync/wire';
import { getJson, inspectDb, openService, publishedValues, seededUniform, submit, tempDir } from './fl-test-helpers';
import type { HelperConfigs, HelperStatus } from './helper-wire';
import { createLedger } from './ledger';
import { deviceReport, exactSum, postReport, reportOf, secaggConfig, seededNoise, seededWords, startHelper, startLeader, type HelperServer, type LeaderServer } from './secagg-test-helpers';
import { correlation } from '../../src/privacy/testing/correlation';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair(opts: { cfg?: ReturnType<typeof secaggConfig>; leaderNoise?: number; helperNoise?: number } = {}): Promise<{ helper: HelperServer; leader: LeaderServer }> {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  const helper = await startHelper({ dir: tmp.dir, cfg: opts.cfg, noiseSource: opts.helperNoise === undefined ? undefined : seededNoise(opts.helperNoise) });
  cleanups.push(() => helper.close());
  const leader = await startLeader({ dir: tmp.dir, helperUrl: helper.url, cfg: opts.cfg, noiseSource: opts.leaderNoise === undefined ? undefined : seededNoise(opts.leaderNoise) });
  cleanups.push(() => leader.close());
  cleanups.push(() => expect([...leader.errors, ...helper.errors]).toEqual([]));
  return { helper, leader };
}

describe('a round in two-aggregator mode', () => {
  test('the round announces the ring and the helper’s key; K reports are acknowledged, aggregated once by both, published, and charged as one round', async () => {
    const cfg = secaggConfig({ cohort: 3, population: 1000, noiseMultiplier: 1.1 });
    const { helper, leader } = await pair({ cfg });
    const info = await getJson<RoundInfo>(leader.url, '/api/fl/round');
    const configs = await getJson<HelperConfigs>(helper.url, '/api/fl/helper/config');
    expect(info).toMatchObject({ round: 1, status: 'open', aggregation: 'two-aggregator', length: 10_656, secagg: { width: 24, helper: configs.keys[0] } });
    const before = await leader.service.model();

    for (let i = 0; i < 3; i++) {
      const r = await deviceReport(info, 10 + i);
      expect(await postReport(leader.url, r.body)).toEqual({ status: 202, body: { accepted: true, duplicate: false, reportId: r.reportId, round: 1, received: i + 1, cohort: 3 } });
      // Stored before the answer: the report is in the leader's database now.
      if (i < 2) expect(inspectDb(leader.dbPath).updates.map((u) => u.token)).toContain(r.reportId);
      if (i < 2) expect((await leader.service.model()).version).toBe(before.version);
    }
    await leader.service.pump();

    const after = await leader.service.model();
    expect(after).toMatchObject({ round: 1 });
    expect(after.version).not.toBe(before.version);
    const status = await getJson<FlStatus>(leader.url, '/api/fl/status');
    expect(status).toMatchObject({ aggregation: 'two-aggregator', roundsCompleted: 1, updatesAccepted: 3, round: 2, roundsRefused: 0, roundsAbandoned: 0, helper: { reachable: true, lastError: null, waiting: false } });
    // The accountant charges one aggregator's noise: z of the leader, the same as central mode's for one round.
    expect(status.epsilon).toBeCloseTo(epsilonAfter(3 / 1000, 1.1, 1, 1e-5), 10);
    const helperStatus = await getJson<HelperStatus>(helper.url, '/api/fl/helper/status');
    expect(helperStatus).toMatchObject({ seedsHeld: 0, seedsAccepted: 3, roundsAggregated: 1, seedsRefused: 0 });
    expect(helperStatus.epsilon).toBeCloseTo(status.epsilon, 10);
    // Only the noisy aggregate is kept: no report remains with either aggregator.
    expect(inspectDb(leader.dbPath).updates).toEqual([]);
  });

  test('the released model is the devices’ exact mean plus the two aggregators’ noise, and central mode’s to within its noise', async () => {
    const cfg = secaggConfig({ cohort: 3, population: 1000, noiseMultiplier: 1, clipNorm: 0.3, serverOptimizer: 'sgd', serverLearningRate: 0.5 });
    const { leader } = await pair({ cfg, leaderNoise: 101, helperNoise: 202 });
    const info = await leader.service.round();
    const start = await publishedValues(leader.service, info.model.version, 'dense');
    const reports = await Promise.all([1, 2, 3].map((s) => deviceReport(info, s)));
    for (const r of reports) expect((await postReport(leader.url, r.body)).status).toBe(202);
    await leader.service.pump();
    const released = await publishedValues(leader.service, (await leader.service.model()).version, 'dense');

    // The same updates through central mode (its own database), with seeded Gaussian noise.
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const central = await openService({ dbPath: `${tmp.dir}/central.db`, cfg, uniform: seededUniform(303) });
    cleanups.push(() => central.store.close());
    const centralInfo = await central.service.round();
    for (const r of reports) await submit(central.service, centralInfo, r.update);
    const centralReleased = await publishedValues(central.service, (await central.service.model()).version, 'dense');

    const d = info.length;
    const K = 3;
    const width = info.secagg!.width as Width;
    const rate = roundRate(cfg.serverLearningRate, 1, createLedger(cfg).horizon, SERVER_OPTIMIZER_DEFAULTS.finalRate);
    const truth = exactSum(reports.map((r) => r.update)).map((v) => v / (K * info.scale));
    // Replay each aggregator's noise from its seed.
    const noise = [seededWords(101), seededWords(202)].map((words) => {
      const v = new Uint32Array(d);
      addAggregatorNoise(v, width, cfg.noiseMultiplier, words);
      return toSigned(v, width);
    });
    const gaussian = new Float32Array(d);
    addGaussian(gaussian, cfg.noiseMultiplier * cfg.clipNorm, seededUniform(303));

    let exact = 0;
    let exactCentral = 0;
    let apart = 0;
    for (let i = 0; i < d; i++) {
      const mean = (released[i] - start[i]) / rate;
      const centralMean = (centralReleased[i] - start[i]) / rate;
      exact = Math.max(exact, Math.abs(mean - (truth[i] + (noise[0][i] + noise[1][i]) / (K * info.scale))));
      exactCentral = Math.max(exactCentral, Math.abs(centralMean - (truth[i] + gaussian[i] / K)));
      apart += (mean - centralMean) ** 2;
    }
    // Equal up to float32 rounding of the weights (about 1e-7 of values near 1, over the rate).
    expect(exact).toBeLessThan(1e-5);
    expect(exactCentral).toBeLessThan(1e-5);
    // The two releases differ by their noises alone: per coordinate N(0, (2 + 1)(zC)²) / K².
    const expected = (Math.sqrt(3) * cfg.noiseMultiplier * cfg.clipNorm) / K;
    expect(Math.sqrt(apart / d) / expected).toBeGreaterThan(0.96);
    expect(Math.sqrt(apart / d) / expected).toBeLessThan(1.04);
  });

  test('a report resent with the same id and bytes is acknowledged again and counted once; other bytes under that id are refused', async () => {
    const { leader } = await pair();
    const info = await leader.service.round();
    const r = await deviceReport(info, 1);
    expect((await postReport(leader.url, r.body)).status).toBe(202);
    expect(await postReport(leader.url, r.body)).toMatchObject({ status: 200, body: { accepted: true, duplicate: true, reportId: r.reportId, received: 1 } });
    const other = await deviceReport(info, 2);
    const forged = other.body.slice();
    forged.set(parseReport(r.body).reportId.match(/../g)!.map((h) => parseInt(h, 16)), 15);
    expect(await postReport(leader.url, forged)).toEqual({ status: 409, body: { error: `report id ${r.reportId} was already used` } });
    expect(await leader.service.status()).toMatchObject({ updatesAccepted: 1, updatesRejected: 1 });
    expect((await leader.service.round()).received).toBe(1);
  });
});

describe('what each aggregator holds', () => {
  test('the leader’s stored share is uniform bytes, uncorrelated with the update; the helper stores 32-byte seeds and nothing of the update', async () => {
    const { helper, leader } = await pair();
    const info = await leader.service.round();
    // An update far from uniform: one coordinate in ten at +1000, the rest 0 (L2 norm 32,650).
    const update = new Int16Array(info.length).map((_, i) => (i % 10 === 0 ? 1000 : 0));
    const r = await reportOf(info, update);
    expect((await postReport(leader.url, r.body)).status).toBe(202);
    await leader.service.pump();

    const db = new Database(leader.dbPath, { readonly: true });
    const stored = (db.prepare('SELECT payload FROM updates').get() as { payload: Buffer }).payload;
    db.close();
    const share = parseReport(new Uint8Array(stored)).leaderShare;
    // Pearson's chi-square over the 256 byte values: df = 255, 0.999 quantile 330.5.
    const counts = new Float64Array(256);
    for (const b of share) counts[b]++;
    const e = share.length / 256;
    const chi2 = counts.reduce((a, c) => a + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(330.5);
    // The share read as ring elements: no correlation with the update (|r| < 4/√d).
    const signed = toSigned(fromBytes(share, info.secagg!.width), info.secagg!.width);
    expect(Math.abs(correlation(signed, update))).toBeLessThan(4 / Math.sqrt(info.length));

    const hdb = new Database(helper.dbPath, { readonly: true });
    const seeds = hdb.prepare('SELECT report_id, length(seed) AS n FROM seeds').all();
    const blobs = hdb.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    hdb.close();
    expect(seeds).toEqual([{ report_id: r.reportId, n: 32 }]);
    expect(blobs.map((b) => b.name).sort()).toEqual(['aggregates', 'counters', 'hpke_keys', 'seeds', 'used']);
  });
});
