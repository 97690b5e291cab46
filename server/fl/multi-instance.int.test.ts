// Several instances of each aggregator on one PostgreSQL database per role: three leaders and two
// helpers, real processes, devices uploading to the leaders round-robin and concurrently, the
// helpers behind a round-robin proxy. One leader and one helper are SIGKILLed mid-round. Devices
// whose request died resend the same report elsewhere, as the widget does. Afterwards: every report
// acknowledged counts exactly once, the round closed once and published one version, and the
// released model is the devices' exact mean plus the two aggregators' replayed noise.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addAggregatorNoise } from '../../src/privacy/secagg/aggregation';
import { toSigned, type Width } from '../../src/privacy/secagg/ring';
import { roundRate, SERVER_OPTIMIZER_DEFAULTS } from '../../src/privacy/server-optimizer';
import type { FlStatus, RoundInfo } from '../../src/sync/wire';
import { getJson, publishedValues } from './fl-test-helpers';
import type { HelperStatus } from './helper-wire';
import { createLedger } from './ledger';
import { startPgCluster, type PgCluster } from './pg-test-cluster';
import { serverProcesses, type ServerProcess } from './server-process';
import { deviceReport, exactSum, postReport, secaggConfig, seededWords, type DeviceReport } from './secagg-test-helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const K = 24;
const LEADER_SEED = 101;
const HELPER_SEED = 202;
const TOKEN = 'multi-instance-test-token';
const cfg = secaggConfig({ cohort: K, population: 1000, noiseMultiplier: 1, clipNorm: 0.3, serverOptimizer: 'sgd', serverLearningRate: 0.5 });

let cluster: PgCluster;
const { start: startProcess, kill, killAll } = serverProcesses(ROOT);
let proxy: Server | undefined;
beforeAll(async () => {
  cluster = await startPgCluster();
}, 60_000);
afterAll(async () => {
  await killAll();
  proxy?.close();
  cluster?.stop();
});

function start(env: Record<string, string>): Promise<ServerProcess> {
  return startProcess('server/fl/test-instance.ts', {
    ...process.env, FL_COHORT: String(K), FL_POPULATION: '1000', FL_NOISE_MULTIPLIER: '1', FL_CLIP_NORM: '0.3', FL_WEIGHTS: 'dense',
    FL_SERVER_OPTIMIZER: 'sgd', FL_SERVER_LR: '0.5', FL_UPLOADS_PER_MINUTE: '100000', FL_HELPER_TOKEN: TOKEN, ...env,
  });
}

/** A load balancer in front of the helpers: round-robin, and the next one when one does not answer. */
function balancer(targets: () => string[]): Promise<string> {
  let next = 0;
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (left: number) => {
        const live = targets();
        const target = new URL(live[next++ % live.length]);
        const out = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => (left > 0 ? attempt(left - 1) : res.writeHead(502).end()));
        out.end(body);
      };
      attempt(4);
    });
  });
  return new Promise((resolve) => proxy!.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`)));
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const httpModelFiles = (url: string) => ({
  async modelFile(version: string, file: string) {
    const res = await fetch(`${url}/api/fl/models/${encodeURIComponent(version)}/${file}`);
    if (!res.ok) return null;
    return { type: res.headers.get('content-type') ?? '', body: file === 'model.json' ? await res.text() : new Uint8Array(await res.arrayBuffer()) };
  },
});

test('three leaders and two helpers on PostgreSQL, one of each SIGKILLed mid-round: every acknowledged report counts once, one version is published, the release is exact', async () => {
  const helperDb = await cluster.createDatabase('helper');
  const leaderDb = await cluster.createDatabase('leader');
  const helperEnv = { FL_ROLE: 'helper', FL_HELPER_DATABASE_URL: helperDb, SHELFWISE_TEST_NOISE_SEED: String(HELPER_SEED) };
  const helpers = await Promise.all([start(helperEnv), start(helperEnv)]);
  const dead = new Set<ServerProcess>();
  const proxyUrl = await balancer(() => helpers.filter((h) => !dead.has(h)).map((h) => h.url));
  const leaderEnv = { FL_ROLE: 'leader', FL_DATABASE_URL: leaderDb, FL_HELPER_URL: proxyUrl, FL_HELPER_RETRY_SECONDS: '0.2', FL_FORWARD_BATCH: '4', SHELFWISE_TEST_NOISE_SEED: String(LEADER_SEED) };
  const leaders = await Promise.all([start(leaderEnv), start(leaderEnv), start(leaderEnv)]);

  const info = await until('the round to announce the helper’s key', async () => {
    const i = await getJson<RoundInfo>(leaders[1].url, '/api/fl/round');
    return i.secagg ? i : undefined;
  });
  expect(info.round).toBe(1);
  const start0 = await publishedValues(httpModelFiles(leaders[1].url), info.model.version, 'dense');
  // More devices than the round takes: the round admits exactly K, and refuses the rest.
  const reports = await Promise.all(Array.from({ length: K + 8 }, (_, i) => deviceReport(info, 1000 + i)));

  // One report sent to two instances at once is stored by one; the other answers it as a duplicate.
  const twice = await Promise.all([postReport(leaders[1].url, reports[0].body), postReport(leaders[2].url, reports[0].body)]);
  expect(twice.map((a) => a.status).sort()).toEqual([200, 202]);
  expect(twice.map((a) => a.body.duplicate).sort()).toEqual([false, true]);

  // Each device uploads to the next leader; a request that dies goes to the next live one. Once
  // half the cohort is acknowledged, leader 0 and helper 0 are killed, requests in flight.
  const acked = new Map<string, DeviceReport>();
  const ackedBy = new Map<ServerProcess, number>();
  let killing: Promise<unknown> | undefined;
  let ackedAtKill = 0;
  let turn = 0;
  const upload = async (r: DeviceReport) => {
    for (let tries = 0; tries < 50; tries++) {
      const live = leaders.filter((l) => !dead.has(l));
      const target = live[turn++ % live.length];
      const answer = await postReport(target.url, r.body).catch(() => null);
      if (answer?.status === 409) return; // the round is full, or over: not acknowledged
      if (answer && (answer.status === 202 || answer.status === 200)) {
        acked.set(r.reportId, r);
        ackedBy.set(target, (ackedBy.get(target) ?? 0) + 1);
        if (acked.size >= K / 2 && !killing) {
          ackedAtKill = acked.size;
          dead.add(leaders[0]);
          dead.add(helpers[0]);
          killing = Promise.all([kill(leaders[0].child), kill(helpers[0].child)]);
        }
        return;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`report ${r.reportId} was never answered`);
  };
  // Eight devices at a time.
  const queue = [...reports];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) await upload(r);
    }),
  );
  await killing;
  expect(ackedAtKill).toBeLessThan(K);
  expect(ackedBy.get(leaders[0])).toBeGreaterThan(0);
  expect(acked.size).toBe(K);

  const published = await until('the round to be published', async () => {
    const m = await getJson<{ version: string; round: number | null }>(leaders[2].url, '/api/fl/model');
    return m.round === 1 ? m : undefined;
  });
  const survivors = leaders.slice(1);
  const statuses = await Promise.all(survivors.map((l) => getJson<FlStatus & { helper: unknown }>(l.url, '/api/fl/status')));
  // The same counts from every instance: they read one database.
  for (const s of statuses) {
    const { helper: _own, ...shared } = s;
    const { helper: _first, ...first } = statuses[0];
    expect(shared).toEqual(first);
    expect(s).toMatchObject({ updatesAccepted: K, roundsCompleted: 1, roundsRefused: 0, roundsAbandoned: 0, round: 2, model: published.version });
  }
  const models = await Promise.all(survivors.map((l) => getJson<{ version: string }>(l.url, '/api/fl/model')));
  expect(new Set(models.map((m) => m.version))).toEqual(new Set([published.version]));
  const helperStatus = await getJson<HelperStatus>(helpers[1].url, '/api/fl/helper/status');
  expect(helperStatus).toMatchObject({ seedsAccepted: K, roundsAggregated: 1, seedsHeld: 0 });
  expect(helperStatus.epsilon).toBeCloseTo(statuses[0].epsilon, 10);
  for (const l of survivors) expect((await fetch(`${l.url}/api/fl/ready`)).status).toBe(200);
  expect(await getJson(helpers[1].url, '/api/fl/helper/ready')).toEqual({ ok: true });
  expect(await getJson(helpers[1].url, '/api/fl/helper/health')).toEqual({ ok: true });
  expect(await getJson(leaders[1].url, '/api/fl/health')).toEqual({ ok: true });

  // The release: the exact mean of the K acknowledged updates plus each aggregator's noise.
  const released = await publishedValues(httpModelFiles(leaders[1].url), published.version, 'dense');
  const d = info.length;
  const width = info.secagg!.width as Width;
  const rate = roundRate(cfg.serverLearningRate, 1, createLedger(cfg).horizon, SERVER_OPTIMIZER_DEFAULTS.finalRate);
  const truth = exactSum([...acked.values()].map((r) => r.update)).map((v) => v / (K * info.scale));
  const noise = [seededWords(LEADER_SEED), seededWords(HELPER_SEED)].map((words) => {
    const v = new Uint32Array(d);
    addAggregatorNoise(v, width, cfg.noiseMultiplier, words);
    return toSigned(v, width);
  });
  let worst = 0;
  for (let i = 0; i < d; i++) {
    const mean = (released[i] - start0[i]) / rate;
    worst = Math.max(worst, Math.abs(mean - (truth[i] + (noise[0][i] + noise[1][i]) / (K * info.scale))));
  }
  expect(worst).toBeLessThan(1e-5);
}, 90_000);
