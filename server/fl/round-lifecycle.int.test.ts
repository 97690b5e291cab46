// Rounds from open to published: a full cohort aggregates once and publishes a verifiable model;
// the privacy budget stops training; an expired round is abandoned without releasing anything.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { FlStatus, ModelInfo, RoundInfo } from '../../src/sync/wire';
import { epsilonAfter, maxRounds } from '../../src/privacy/accountant';
import { HttpError } from '../send';
import {
  bytesOf, diff, getJson, goodHeaders, inspectDb, openService, publishedValues, publishedWeights, seededUniform, startFlServer, submit, tempDir, testConfig, upload, validUpdate,
  type FlServer, type OpenService,
} from './fl-test-helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newDb(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return join(tmp.dir, 'fl.db');
}

async function server(opts: Parameters<typeof startFlServer>[0]): Promise<FlServer> {
  const s = await startFlServer(opts);
  cleanups.push(() => s.close());
  return s;
}

async function service(opts: Parameters<typeof openService>[0]): Promise<OpenService> {
  const s = await openService(opts);
  cleanups.push(() => s.store.close());
  return s;
}

describe('a valid cohort', () => {
  test('K uploads aggregate once, publish a new version whose hash checks out, delete the updates and charge ε for one round', async () => {
    const dbPath = newDb();
    const s = await server({ dbPath, cfg: testConfig({ cohort: 3, population: 1000, noiseMultiplier: 1.1 }), uniform: seededUniform(1) });
    const info = await getJson<RoundInfo>(s.url, '/api/fl/round');
    const before = await getJson<ModelInfo>(s.url, '/api/fl/model');
    expect(info).toMatchObject({ round: 1, status: 'open', cohort: 3, received: 0, clipNorm: 1, encoding: 'int16-fixed', scale: 32767, model: { version: before.version, sha256: before.sha256 } });

    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const headers = goodHeaders(info);
      tokens.push(headers.token);
      expect(await upload(s.url, { ...headers, body: bytesOf(validUpdate(info, 10 + i)) })).toEqual({ status: 202, body: { accepted: true, round: 1, received: i + 1, cohort: 3 } });
      // Nothing is released before the cohort is full.
      expect((await getJson<ModelInfo>(s.url, '/api/fl/model')).version).toBe(before.version);
    }
    expect(inspectDb(dbPath).updates).toHaveLength(2);

    expect((await upload(s.url, { ...goodHeaders(info), body: bytesOf(validUpdate(info, 12)) })).status).toBe(202);
    const after = await getJson<ModelInfo>(s.url, '/api/fl/model');
    expect(after.version).not.toBe(before.version);
    expect(after).toMatchObject({ round: 1, url: `models/${after.version}/model.json` });

    const modelJson = await getJson<{ version: string; weightsSha256: string; weightsManifest: { paths: string[] }[] }>(s.url, `/api/fl/${after.url}`);
    const weights = Buffer.from(await (await fetch(`${s.url}/api/fl/models/${after.version}/${modelJson.weightsManifest[0].paths[0]}`)).arrayBuffer());
    const sha = createHash('sha256').update(weights).digest('hex');
    expect(sha).toBe(after.sha256);
    expect(modelJson.weightsSha256).toBe(sha);
    expect(modelJson.version).toBe(after.version);

    const db = inspectDb(dbPath);
    expect(db.updates).toEqual([]);
    expect(db.rounds).toEqual([{ id: 1, status: 'aggregated', model: before.version }, { id: 2, status: 'open', model: after.version }]);
    expect(db.models).toEqual([{ version: before.version, round: null }, { version: after.version, round: 1 }]);

    const status = await getJson<FlStatus>(s.url, '/api/fl/status');
    expect(status).toMatchObject({ roundsCompleted: 1, updatesAccepted: 3, updatesRejected: 0, round: 2, model: after.version, stopped: false, delta: 1e-5 });
    expect(status.epsilon).toBeGreaterThan(0);
    expect(status.epsilon).toBeCloseTo(epsilonAfter(3 / 1000, 1.1, 1, 1e-5), 10);

    // The next round trains the new version; old rounds and old tokens are closed for good.
    expect(await getJson<RoundInfo>(s.url, '/api/fl/round')).toMatchObject({ round: 2, received: 0, model: { version: after.version, sha256: after.sha256 } });
    expect(await upload(s.url, { ...goodHeaders(info), body: bytesOf(validUpdate(info, 13)) })).toEqual({ status: 409, body: { error: 'round 1 is not open (the open round is 2)' } });
    const next = await getJson<RoundInfo>(s.url, '/api/fl/round');
    expect(await upload(s.url, { ...goodHeaders(next), token: tokens[0], body: bytesOf(validUpdate(next, 14)) })).toEqual({ status: 409, body: { error: 'token already used' } });
    expect(s.errors).toEqual([]);
  });
});

describe('FL_WEIGHTS', () => {
  test("'dense' (the default) trains every weight but the hashed catalog tables, and leaves the tables as they were", async () => {
    const { service: fl } = await service({ dbPath: newDb(), cfg: testConfig({ cohort: 2, weights: 'dense' }), uniform: seededUniform(3) });
    const info = await fl.round();
    expect(info.weights).toContain('item_bias');
    for (const seed of [1, 2]) await submit(fl, info, validUpdate(info, seed));
    const before = (await publishedWeights(fl, info.model.version)).weights;
    const after = (await publishedWeights(fl, (await fl.model()).version)).weights;
    expect(after.map((w) => w.name)).toEqual(before.map((w) => w.name));
    expect(after.filter((w) => !info.weights.includes(w.name)).map((w) => w.name).sort()).toEqual(['brand', 'category', 'item']);
    for (const [i, w] of after.entries()) {
      if (info.weights.includes(w.name)) expect(diff(w.data, before[i].data).every((d) => d !== 0)).toBe(true);
      else expect(Array.from(w.data)).toEqual(Array.from(before[i].data));
    }
  });

  test("'all' trains the catalog tables too", async () => {
    const { service: fl } = await service({ dbPath: newDb(), cfg: testConfig({ weights: 'all' }), uniform: seededUniform(4) });
    const { weights } = await publishedWeights(fl, (await fl.model()).version);
    expect((await fl.round()).weights).toEqual(weights.map((w) => w.name));
  });
});

describe('uploads racing to fill a round', () => {
  test('K + 3 concurrent uploads: exactly K accepted, one aggregation, the rest told the round closed', async () => {
    const dbPath = newDb();
    const s = await server({ dbPath, cfg: testConfig({ cohort: 3 }) });
    const info = await getJson<RoundInfo>(s.url, '/api/fl/round');
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => upload(s.url, { ...goodHeaders(info), body: bytesOf(validUpdate(info, i)) })));
    expect(results.filter((r) => r.status === 202).map((r) => r.body.received).sort()).toEqual([1, 2, 3]);
    for (const r of results.filter((x) => x.status !== 202)) expect(r).toEqual({ status: 409, body: { error: 'round 1 is not open (the open round is 2)' } });
    expect(await getJson<FlStatus>(s.url, '/api/fl/status')).toMatchObject({ roundsCompleted: 1, updatesAccepted: 3, updatesRejected: 3 });
    expect(inspectDb(dbPath).models).toHaveLength(2);
    expect(s.errors).toEqual([]);
  });
});

/** A server that accepts one update of its round and stops: the round stays open in the database. */
async function stopWithOpenRound(dbPath: string, cfg: ReturnType<typeof testConfig>): Promise<RoundInfo> {
  const s = await openService({ dbPath, cfg });
  const info = await s.service.round();
  await submit(s.service, info, validUpdate(info, 1));
  s.store.close();
  return info;
}

describe('the privacy budget', () => {
  const q = 2 / 100;
  const z = 1;
  // A budget between the ε of 2 and 3 rounds: exactly two rounds fit.
  const budget = (epsilonAfter(q, z, 2, 1e-5) + epsilonAfter(q, z, 3, 1e-5)) / 2;

  test('stops training after the rounds it allows: round "stopped", uploads 409, status.stopped, ε within budget', async () => {
    expect(maxRounds(q, z, 1e-5, budget)).toBe(2);
    const dbPath = newDb();
    const cfg = testConfig({ cohort: 2, population: 100, noiseMultiplier: z, epsilonBudget: budget });
    const s = await server({ dbPath, cfg });
    let info = await getJson<RoundInfo>(s.url, '/api/fl/round');
    for (let r = 1; r <= 2; r++) {
      expect(info).toMatchObject({ round: r, status: 'open' });
      for (let i = 0; i < 2; i++) expect((await upload(s.url, { ...goodHeaders(info), body: bytesOf(validUpdate(info, r * 10 + i)) })).status).toBe(202);
      info = await getJson<RoundInfo>(s.url, '/api/fl/round');
    }
    expect(info).toMatchObject({ status: 'stopped', round: 0 });
    const status = await getJson<FlStatus>(s.url, '/api/fl/status');
    expect(status).toMatchObject({ stopped: true, roundsCompleted: 2, updatesAccepted: 4, round: null, epsilonBudget: budget });
    expect(status.epsilon).toBeCloseTo(epsilonAfter(q, z, 2, 1e-5), 10);
    expect(status.epsilon).toBeLessThanOrEqual(budget);

    const refused = { status: 409, body: { error: 'training has stopped: the privacy budget is spent' } };
    expect(await upload(s.url, { ...goodHeaders(info), round: 3, body: bytesOf(validUpdate(info, 99)) })).toEqual(refused);
    expect(await upload(s.url, { ...goodHeaders(info), round: 2, body: bytesOf(validUpdate(info, 98)) })).toEqual(refused);
    expect((await getJson<FlStatus>(s.url, '/api/fl/status')).updatesAccepted).toBe(4);
    expect(inspectDb(dbPath).rounds.map((r) => r.status)).toEqual(['aggregated', 'aggregated']);
    expect(s.errors).toEqual([]);
  });

  test('FL_ROUNDS stops training after that many rounds, with budget to spare', async () => {
    const dbPath = newDb();
    const { service: fl } = await service({ dbPath, cfg: testConfig({ cohort: 2, population: 100, rounds: 1 }) });
    const info = await fl.round();
    for (let i = 0; i < 2; i++) await submit(fl, info, validUpdate(info, 60 + i));
    expect(await fl.round()).toMatchObject({ status: 'stopped', round: 0 });
    expect(await fl.status()).toMatchObject({ stopped: true, roundsCompleted: 1 });
    await expect(submit(fl, info, validUpdate(info, 70))).rejects.toMatchObject({ status: 409, message: 'training has stopped: FL_ROUNDS (1) rounds are done' });
  });

  test('a budget too small for one round never opens one', async () => {
    const dbPath = newDb();
    const { service: fl } = await service({ dbPath, cfg: testConfig({ cohort: 2, population: 100, epsilonBudget: epsilonAfter(q, z, 1, 1e-5) / 2 }) });
    expect(await fl.round()).toMatchObject({ status: 'stopped', round: 0 });
    expect(await fl.status()).toMatchObject({ stopped: true, epsilon: 0, roundsCompleted: 0 });
    expect(inspectDb(dbPath).rounds).toEqual([]);
  });

  test('a round left open by a restart under a smaller budget is abandoned, not aggregated past the budget', async () => {
    const dbPath = newDb();
    const info = await stopWithOpenRound(dbPath, testConfig({ cohort: 2, population: 100 }));

    const { service: fl } = await service({ dbPath, cfg: testConfig({ cohort: 2, population: 100, epsilonBudget: epsilonAfter(q, z, 1, 1e-5) / 2 }) });
    await expect(submit(fl, info, validUpdate(info, 2))).rejects.toMatchObject({ status: 409, message: 'training has stopped: the privacy budget is spent' });
    expect(await fl.round()).toMatchObject({ status: 'stopped' });
    expect(await fl.status()).toMatchObject({ roundsCompleted: 0, epsilon: 0 });
    expect(inspectDb(dbPath)).toMatchObject({ updates: [], rounds: [{ id: 1, status: 'abandoned' }] });
  });

  test('a round left open by a restart with another clip norm is abandoned: its updates were encoded at the old scale', async () => {
    const dbPath = newDb();
    await stopWithOpenRound(dbPath, testConfig({ cohort: 2, clipNorm: 1 }));
    const { service: fl } = await service({ dbPath, cfg: testConfig({ cohort: 2, clipNorm: 0.5 }) });
    const next = await fl.round();
    expect(next).toMatchObject({ round: 2, received: 0, clipNorm: 0.5, scale: 32767 / 0.5 });
    expect(inspectDb(dbPath)).toMatchObject({ updates: [], rounds: [{ id: 1, status: 'abandoned' }, { id: 2, status: 'open' }] });
  });
});

describe('the round deadline', () => {
  test('an expired round is abandoned: its updates are deleted, never aggregated, and a new round opens on the same model', async () => {
    let clock = 1_700_000_000_000;
    const cfg = testConfig({ cohort: 3, roundSeconds: 60 });
    const dbPath = newDb();
    const { service: fl } = await service({ dbPath, cfg, uniform: seededUniform(5), now: () => clock });
    const first = await fl.round();
    expect(first.deadline).toBe(new Date(clock + 60_000).toISOString());
    await submit(fl, first, validUpdate(first, 1));
    await submit(fl, first, validUpdate(first, 2));

    clock += 60_001;
    // The third update of the expired round would have completed it: refused instead.
    await expect(submit(fl, first, validUpdate(first, 3))).rejects.toMatchObject({ status: 409, message: `round 1 is not open (the open round is 2)` });
    const second = await fl.round();
    expect(second).toMatchObject({ round: 2, status: 'open', received: 0, model: first.model, deadline: new Date(clock + 60_000).toISOString() });
    expect(inspectDb(dbPath)).toEqual({
      updates: [],
      rounds: [{ id: 1, status: 'abandoned', model: first.model.version }, { id: 2, status: 'open', model: first.model.version }],
      models: [{ version: first.model.version, round: null }],
    });
    expect(await fl.status()).toMatchObject({ roundsCompleted: 0, epsilon: 0, model: first.model.version });

    // Round 2 aggregates its own three updates only: the same three, fed to a fresh server with
    // the same noise, publish the very same weights.
    const fresh = await service({ dbPath: newDb(), cfg, uniform: seededUniform(5), now: () => clock });
    const freshRound = await fresh.service.round();
    for (const seed of [4, 5, 6]) {
      await submit(fl, second, validUpdate(second, seed), tokenFor(seed));
      await submit(fresh.service, freshRound, validUpdate(freshRound, seed), tokenFor(seed));
    }
    const [a, b] = [await fl.model(), await fresh.service.model()];
    expect(a.round).toBe(2);
    expect(Array.from(await publishedValues(fl, a.version))).toEqual(Array.from(await publishedValues(fresh.service, b.version)));
  });

  test('an update arriving as the deadline passes either completes the round or is refused: never an internal error', async () => {
    const cfg = testConfig({ cohort: 2, roundSeconds: 60 });
    let clock = 1_700_000_000_000;
    let ticking = false;
    // Every reading of the clock advances it by 1 ms once ticking: the deadline falls inside the request.
    const now = () => (ticking ? clock++ : clock);
    const { service: fl } = await service({ dbPath: newDb(), cfg, now });
    const info = await fl.round();
    await submit(fl, info, validUpdate(info, 1));
    clock += 60_000 - 1;
    ticking = true;
    const outcome = await submit(fl, info, validUpdate(info, 2)).then(
      (receipt) => receipt,
      (err: unknown) => err,
    );
    ticking = false;
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(HttpError);
    else expect(await fl.status()).toMatchObject({ roundsCompleted: 1 });
  });
});

const tokenFor = (seed: number) => seed.toString(16).padStart(32, '0');
