// Killing a server mid-round and restarting it loses no accepted upload and counts none twice: the
// central server, and each of the two aggregators. The real server processes (server/main.ts) are
// killed with SIGKILL, so nothing gets to clean up.
import type { ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { REPORT_TYPE, type FlStatus, type RoundInfo } from '../../src/sync/wire';
import { HelperUnreachable, type HelperClient } from './helper-client';
import type { HelperStatus } from './helper-wire';
import { deviceReport, postReport, secaggConfig, startHelper, startLeader } from './secagg-test-helpers';
import type { FlStore, FlTx } from './store';
import { openSqliteStore } from './sqlite-store';
import { serverProcesses } from './server-process';
import { createFlService } from './service';
import {
  bytesOf, getJson, inspectDb, INITIAL_MODEL, openService, publishedValues, seededUniform, submit, tempDir, testConfig, upload, UPDATE_TYPE, validUpdate,
} from './fl-test-helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { start, kill, killAll } = serverProcesses(ROOT);
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await killAll();
  cleanups.splice(0).forEach((c) => c());
});

/** `node --import tsx server/main.ts` (one process, so SIGKILL hits the server itself). */
function startServer(dbPath: string, extra: Record<string, string> = { FL_AGGREGATION: 'central' }): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...process.env, FL_DB: dbPath, FL_COHORT: '3', FL_POPULATION: '1000', FL_UPLOADS_PER_MINUTE: '1000', PORT: '0', HOST: '127.0.0.1', ...extra };
  return start('server/main.ts', env);
}

interface Sent {
  token: string;
  body: Uint8Array;
}

const send = (url: string, info: RoundInfo, u: Sent) =>
  upload(url, { type: UPDATE_TYPE, round: info.round, model: info.model.version, token: u.token, body: u.body });

/** Posts an upload and SIGKILLs the server as soon as the request has left, without waiting for an answer. */
function sendAndKill(url: string, info: RoundInfo, u: Sent, child: ChildProcess): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request({
      hostname, port, path: '/api/fl/update', method: 'POST',
      headers: { 'content-type': UPDATE_TYPE, 'x-shelfwise-round': String(info.round), 'x-shelfwise-model': info.model.version, 'x-shelfwise-token': u.token, 'content-length': u.body.length },
    });
    req.on('error', () => {}); // the connection dies with the server: expected
    req.on('response', (res) => res.resume());
    req.on('finish', () => setImmediate(() => void kill(child).then(resolve)));
    req.end(u.body);
  });
}

const token = (i: number) => `${i}`.padStart(32, '0');

describe('durability of the real server process', () => {
  test('SIGKILL after 2 accepted updates, while the 3rd is in flight, and right after the round aggregated: nothing lost, nothing counted twice', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const dbPath = join(tmp.dir, 'fl.db');

    const a = await startServer(dbPath);
    const info = await getJson<RoundInfo>(a.url, '/api/fl/round');
    const updates: Sent[] = [1, 2, 3].map((i) => ({ token: token(i), body: bytesOf(validUpdate(info, i)) }));
    expect((await send(a.url, info, updates[0])).status).toBe(202);
    expect((await send(a.url, info, updates[1])).status).toBe(202);
    await kill(a.child);

    const b = await startServer(dbPath);
    expect(await getJson<FlStatus>(b.url, '/api/fl/status')).toMatchObject({ updatesAccepted: 2, roundsCompleted: 0 });
    expect(await getJson<RoundInfo>(b.url, '/api/fl/round')).toMatchObject({ round: info.round, received: 2, model: info.model });
    expect(await send(b.url, info, updates[0])).toEqual({ status: 409, body: { error: 'token already used' } });
    expect((await getJson<FlStatus>(b.url, '/api/fl/status')).updatesAccepted).toBe(2);
    await sendAndKill(b.url, info, updates[2], b.child);

    // Whenever the kill landed (in practice before the server read the upload; see the fault
    // injection below for a failure inside the aggregation), the round is untouched or aggregated.
    const c = await startServer(dbPath);
    const status = await getJson<FlStatus>(c.url, '/api/fl/status');
    const db = inspectDb(dbPath);
    const state = { accepted: status.updatesAccepted, rounds: status.roundsCompleted, stored: db.updates.length, models: db.models.length, round1: db.rounds[0].status };
    const untouched = { accepted: 2, rounds: 0, stored: 2, models: 1, round1: 'open' };
    const aggregated = { accepted: 3, rounds: 1, stored: 0, models: 2, round1: 'aggregated' };
    expect([untouched, aggregated]).toContainEqual(state);

    // The device retries its upload: it completes the round, or is refused if it already counted.
    const retry = await send(c.url, info, updates[2]);
    expect(retry.status).toBe(state.rounds === 0 ? 202 : 409);
    expect(await getJson<FlStatus>(c.url, '/api/fl/status')).toMatchObject({ updatesAccepted: 3, roundsCompleted: 1 });
    await kill(c.child);

    // Killed right after publishing: the restarted server neither re-aggregates round 1 nor takes its updates again.
    const d = await startServer(dbPath);
    expect(await getJson<FlStatus>(d.url, '/api/fl/status')).toMatchObject({ updatesAccepted: 3, roundsCompleted: 1, round: 2 });
    expect(await getJson<RoundInfo>(d.url, '/api/fl/round')).toMatchObject({ round: 2, received: 0 });
    for (const u of updates) expect(await send(d.url, info, u)).toEqual({ status: 409, body: { error: 'round 1 is not open (the open round is 2)' } });
    const final = inspectDb(dbPath);
    expect(final).toMatchObject({ updates: [], rounds: [{ id: 1, status: 'aggregated' }, { id: 2, status: 'open' }] });
    expect(final.models.map((m) => m.round)).toEqual([null, 1]);
  }, 60_000);
});

describe('durability of the service over its SQLite store', () => {
  const cfg = testConfig({ cohort: 3 });
  const now = () => 1_700_000_000_000;
  const newDb = () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    return join(tmp.dir, 'fl.db');
  };

  test('a restart between updates aggregates exactly the 3 accepted ones: the same weights as a server that never stopped', async () => {
    const first = await openService({ dbPath: newDb(), cfg, uniform: seededUniform(9), now });
    const info = await first.service.round();
    const dbPath = newDb();
    const before = await openService({ dbPath, cfg, uniform: seededUniform(9), now });
    await submit(before.service, info, validUpdate(info, 1), token(1));
    await submit(before.service, info, validUpdate(info, 2), token(2));
    before.store.close();

    const after = await openService({ dbPath, cfg, uniform: seededUniform(9), now });
    cleanups.unshift(() => after.store.close());
    await expect(submit(after.service, info, validUpdate(info, 1), token(1))).rejects.toMatchObject({ status: 409, message: 'token already used' });
    await submit(after.service, info, validUpdate(info, 3), token(3));

    for (const i of [1, 2, 3]) await submit(first.service, info, validUpdate(info, i), token(i));
    cleanups.unshift(() => first.store.close());
    const [x, y] = [await after.service.model(), await first.service.model()];
    expect(x.round).toBe(info.round);
    expect(x.sha256).toBe(y.sha256);
    expect(Array.from(await publishedValues(after.service, x.version))).toEqual(Array.from(await publishedValues(first.service, y.version)));
  });

  test('a failure in the middle of aggregation (model written, round not yet closed) rolls back as a whole', async () => {
    const dbPath = newDb();
    const real = openSqliteStore(dbPath);
    cleanups.unshift(() => real.close());
    let crash = false;
    // The real store, with one write that fails when asked to, as a full disk or a kill would.
    const store: FlStore = {
      shared: false,
      transaction: (fn) =>
        real.transaction((tx) => {
          const faulty: FlTx = {
            ...tx,
            closeRound: async (id, status, at) => {
              if (crash && status === 'aggregated') throw new Error('disk full');
              return tx.closeRound(id, status, at);
            },
          };
          return fn(faulty);
        }),
      close: () => real.close(),
    };
    const fl = await createFlService({ cfg, store, initialModel: INITIAL_MODEL, now });
    const info = await fl.round();
    await submit(fl, info, validUpdate(info, 1), token(1));
    await submit(fl, info, validUpdate(info, 2), token(2));
    crash = true;
    await expect(submit(fl, info, validUpdate(info, 3), token(3))).rejects.toThrow('disk full');
    expect(inspectDb(dbPath)).toMatchObject({ updates: [{ token: token(1) }, { token: token(2) }], rounds: [{ id: 1, status: 'open' }], models: [{ round: null }] });
    expect(await fl.status()).toMatchObject({ updatesAccepted: 2, roundsCompleted: 0 });

    crash = false;
    // The failed upload was never acknowledged, so its token is free for the retry.
    await expect(submit(fl, info, validUpdate(info, 3), token(3))).resolves.toMatchObject({ accepted: true, received: 3 });
    expect(await fl.status()).toMatchObject({ updatesAccepted: 3, roundsCompleted: 1 });
    expect(inspectDb(dbPath)).toMatchObject({ updates: [], rounds: [{ id: 1, status: 'aggregated' }, { id: 2, status: 'open' }] });
  });
});

/** A port nothing listens on now: a restarted helper comes back at the same address. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Posts a report and SIGKILLs the leader as soon as the request has left. */
function reportAndKill(url: string, body: Uint8Array, child: ChildProcess): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request({ hostname, port, path: '/api/fl/report', method: 'POST', headers: { 'content-type': REPORT_TYPE, 'content-length': body.length } });
    req.on('error', () => {});
    req.on('response', (res) => res.resume());
    req.on('finish', () => setImmediate(() => void kill(child).then(resolve)));
    req.end(body);
  });
}

describe('durability of the two aggregators as real processes', () => {
  test('SIGKILL the leader between reports and mid-upload, and the helper mid-round: nothing lost, nothing counted twice, one release per round', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const helperPort = await freePort();
    const common = { FL_AGGREGATION: 'two-aggregator', FL_HELPER_TOKEN: 'durability', FL_HELPER_RETRY_SECONDS: '0.2', FL_WEIGHTS: 'dense' };
    const helperEnv = { ...common, FL_ROLE: 'helper', PORT: String(helperPort) };
    const leaderEnv = { ...common, FL_ROLE: 'leader', FL_HELPER_URL: `http://127.0.0.1:${helperPort}` };
    const leaderDb = join(tmp.dir, 'leader.db');
    const helperDb = join(tmp.dir, 'helper.db');
    const helperStatus = (url: string) => getJson<HelperStatus>(url, '/api/fl/helper/status');

    let helper = await startServer(helperDb, helperEnv);
    let leader = await startServer(leaderDb, leaderEnv);
    const info = await until('the round announces the helper key', () => getJson<RoundInfo>(leader.url, '/api/fl/round'), (r) => !!r.secagg);
    const reports = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => deviceReport(info, i)));
    for (const r of reports.slice(0, 2)) expect((await postReport(leader.url, r.body)).status).toBe(202);
    await kill(leader.child);

    leader = await startServer(leaderDb, leaderEnv);
    expect(await getJson<FlStatus>(leader.url, '/api/fl/status')).toMatchObject({ updatesAccepted: 2, roundsCompleted: 0, round: 1 });
    expect(await postReport(leader.url, reports[0].body)).toMatchObject({ status: 200, body: { duplicate: true } });
    // The two seeds reach the helper (forwarded before the kill, or by the restarted leader).
    await until('the helper holds 2 seeds', () => helperStatus(helper.url), (h) => h.seedsHeld === 2);

    await kill(helper.child);
    expect((await postReport(leader.url, reports[2].body)).status).toBe(202);
    const waiting = await until('the leader waits for the helper', () => getJson<FlStatus>(leader.url, '/api/fl/status'), (s) => s.helper?.waiting === true && s.helper.reachable === false);
    expect(waiting).toMatchObject({ updatesAccepted: 3, roundsCompleted: 0, epsilon: 0 });

    helper = await startServer(helperDb, helperEnv);
    const done = await until('round 1 is published', () => getJson<FlStatus>(leader.url, '/api/fl/status'), (s) => s.roundsCompleted === 1);
    expect(done).toMatchObject({ updatesAccepted: 3, round: 2, helper: { reachable: true, waiting: false } });
    expect(await helperStatus(helper.url)).toMatchObject({ seedsHeld: 0, seedsAccepted: 3, roundsAggregated: 1 });

    // Round 2: one report, then the leader is killed while the next is in flight.
    const info2 = await getJson<RoundInfo>(leader.url, '/api/fl/round');
    const next = await Promise.all([7, 8, 9].map((i) => deviceReport(info2, i)));
    expect((await postReport(leader.url, next[0].body)).status).toBe(202);
    await reportAndKill(leader.url, next[1].body, leader.child);
    leader = await startServer(leaderDb, leaderEnv);
    const afterKill = (await getJson<FlStatus>(leader.url, '/api/fl/status')).updatesAccepted;
    expect([4, 5]).toContain(afterKill);
    // The device resends the report it kept: counted now, or recognised as counted.
    expect((await postReport(leader.url, next[1].body)).status).toBe(afterKill === 4 ? 202 : 200);
    expect((await postReport(leader.url, next[2].body)).status).toBe(202);
    const final = await until('round 2 is published', () => getJson<FlStatus>(leader.url, '/api/fl/status'), (s) => s.roundsCompleted === 2);
    expect(final).toMatchObject({ updatesAccepted: 6, roundsRefused: 0, roundsAbandoned: 0 });
    expect(await helperStatus(helper.url)).toMatchObject({ seedsHeld: 0, seedsAccepted: 6, roundsAggregated: 2 });
    expect(inspectDb(leaderDb)).toMatchObject({ updates: [], rounds: [{ id: 1, status: 'aggregated' }, { id: 2, status: 'aggregated' }, { id: 3, status: 'open' }] });
  }, 120_000);

  test('a leader that dies between the helper’s answer and publishing gets the same share again on restart: one release, one ε', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const cfg = secaggConfig({ cohort: 2 });
    const helper = await startHelper({ dir: tmp.dir, cfg });
    cleanups.unshift(() => void helper.close());
    const shares: string[] = [];
    let crash = true;
    const crashing = (client: HelperClient): HelperClient => ({
      ...client,
      async aggregate(req) {
        const answer = await client.aggregate(req);
        shares.push(answer.share);
        if (crash) throw new HelperUnreachable('the leader died before publishing');
        return answer;
      },
    });
    const first = await startLeader({ dir: tmp.dir, helperUrl: helper.url, cfg, helper: crashing });
    const info = await first.service.round();
    for (const seed of [1, 2]) expect((await postReport(first.url, (await deviceReport(info, seed)).body)).status).toBe(202);
    await first.service.pump();
    expect(await first.service.status()).toMatchObject({ roundsCompleted: 0, epsilon: 0 });
    await first.close();

    crash = false;
    const second = await startLeader({ dir: tmp.dir, helperUrl: helper.url, cfg, helper: crashing });
    cleanups.unshift(() => void second.close());
    await second.service.pump();
    expect(await second.service.status()).toMatchObject({ roundsCompleted: 1, updatesAccepted: 2 });
    // Asked once or more before the crash, and again after it: the same bytes every time.
    expect(shares.length).toBeGreaterThanOrEqual(2);
    expect(new Set(shares).size).toBe(1);
    const h = await helper.service.status();
    expect(h).toMatchObject({ roundsAggregated: 1 });
    expect(h.epsilon).toBeCloseTo((await second.service.status()).epsilon, 10);
  });
});
