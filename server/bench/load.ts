// npm run bench:load -- [--reports N] [--beauty-reports N] [--concurrency C] [--json <out.json>]
// How many reports per second the leader accepts, on localhost: 1, 2 and 4 leader processes on one
// PostgreSQL database (a throwaway server, as the tests start), and one leader on SQLite, for the
// demo model's update (d = 10,656, its dense weights) and a Beauty-sized one (d = 84,608: the demo
// model with a larger category table, all weights trained). Each leader is a real server process
// with its helper (one process, SQLite) behind it; devices POST prepared reports, C at a time,
// round-robin over the leaders, and each answer comes once the report is durable. The round's
// cohort is larger than the run, so what is measured is ingest (and the forwarding of the sealed
// seeds to the helper that goes with it), not aggregation. Reported: reports/s, p50/p99 latency
// of an upload, and the leader's database size per 1,000 stored reports.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { numberFlag, parseFlags, positiveInt, stringFlag } from '../../tools/lib/args';
import { decodeWeights, encodeWeights, type ModelJson } from '../../src/model/plain/artifact';
import { buildReport, encodeReport } from '../../src/privacy/secagg/report';
import { REPORT_TYPE, type RoundInfo } from '../../src/sync/wire';
import { databaseBytes, startPgCluster, type PgCluster } from '../fl/pg-test-cluster';
import { sha256 } from '../fl/models';
import { serverProcesses, type ServerProcess } from '../fl/server-process';

const USAGE = 'usage: npm run bench:load -- [--reports N (default 200)] [--beauty-reports N (default 80)] [--concurrency C (default 16)] [--json <out.json>]';
const ROOT = resolve('.');
const BEAUTY_D = 84_608;

interface Row {
  model: string;
  d: number;
  store: string;
  leaders: number;
  reports: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  mbPer1000: number;
}

/** The demo model with its category table grown so that an update of all weights holds 84,608 values. */
function beautySizedModel(dir: string): string {
  const demo = join(ROOT, 'models', 'demo');
  const json = JSON.parse(readFileSync(join(demo, 'model.json'), 'utf8')) as ModelJson & { config: Record<string, number> };
  const bin = readFileSync(join(demo, json.weightsManifest[0].paths[0]));
  const weights = decodeWeights(json.weightsManifest[0].weights, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  const category = weights.find((w) => w.name === 'category')!;
  const extraRows = (BEAUTY_D - total) / category.shape[1];
  if (!Number.isInteger(extraRows) || extraRows < 0) throw new Error(`cannot grow the demo model to ${BEAUTY_D} values`);
  const rows = category.shape[0] + extraRows;
  const grown = new Float32Array(rows * category.shape[1]);
  grown.set(category.data);
  category.shape = [rows, category.shape[1]];
  category.data = grown;
  const { entries, bin: out } = encodeWeights(weights, 'float32');
  const hash = sha256(out);
  const model = { ...json, version: 'beauty-sized', config: { ...json.config, categoryBuckets: rows }, weightsSha256: hash, weightsManifest: [{ paths: ['weights.bin'], weights: entries }] };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  writeFileSync(join(dir, 'weights.bin'), out);
  return dir;
}

const processes = serverProcesses(ROOT);

function instance(env: Record<string, string>): Promise<ServerProcess> {
  return processes.start('server/fl/test-instance.ts', {
    ...process.env, SHELFWISE_TEST_NOISE_SEED: '1', FL_UPLOADS_PER_MINUTE: '10000000', FL_POPULATION: '1000000', FL_HELPER_TOKEN: 'bench', ...env,
  });
}

/** SIGKILLs `which`, or every instance started (nothing of theirs is needed afterwards). */
async function stop(which?: ChildProcess[]): Promise<void> {
  if (which) await Promise.all(which.map(processes.kill));
  else await processes.killAll();
}

async function roundInfo(url: string): Promise<RoundInfo> {
  for (let i = 0; i < 200; i++) {
    const info = (await (await fetch(`${url}/api/fl/round`)).json()) as RoundInfo;
    if (info.secagg) return info;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the leader never reached its helper');
}

/** Random clipped-looking updates, as reports for `info`. */
async function reports(info: RoundInfo, n: number): Promise<Uint8Array[]> {
  const spread = Math.floor(32_000 / Math.sqrt(info.length));
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const update = Int16Array.from({ length: info.length }, () => Math.floor(Math.random() * (2 * spread + 1)) - spread);
    out.push(encodeReport(await buildReport({ update, round: info.round, modelVersion: info.model.version, width: info.secagg!.width, helperConfig: info.secagg!.helper })));
  }
  return out;
}

async function drive(leaders: string[], bodies: Uint8Array[], concurrency: number): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const t = performance.now();
        const res = await fetch(`${leaders[i % leaders.length]}/api/fl/report`, { method: 'POST', headers: { 'content-type': REPORT_TYPE }, body: bodies[i] as Uint8Array<ArrayBuffer> });
        const text = await res.text();
        if (res.status !== 202) throw new Error(`upload ${i}: ${res.status} ${text}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function sqliteBytes(path: string): number {
  return [path, `${path}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ['reports', 'beauty-reports', 'concurrency', 'json', 'help']);
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const demoN = numberFlag(flags, 'reports', 200, (v) => positiveInt(v) && v <= 5000);
  const beautyN = numberFlag(flags, 'beauty-reports', 80, (v) => positiveInt(v) && v <= 2000);
  const concurrency = numberFlag(flags, 'concurrency', 16, (v) => positiveInt(v) && v <= 256);
  const jsonOut = stringFlag(flags, 'json');
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-bench-load-'));
  let cluster: PgCluster | undefined;
  const rows: Row[] = [];
  try {
    cluster = await startPgCluster();
    const models = [
      { name: 'demo', dir: join(ROOT, 'models', 'demo'), weights: 'dense', n: demoN },
      { name: 'Beauty-sized', dir: beautySizedModel(mkdtempSync(join(dir, 'beauty-'))), weights: 'all', n: beautyN },
    ];
    let db = 0;
    for (const m of models) {
      // The round never fills during the run: ingest is measured, not aggregation.
      const common = { FL_COHORT: String(m.n + 1), FL_WEIGHTS: m.weights, SHELFWISE_TEST_MODEL: m.dir, FL_ROUND_SECONDS: '86400' };
      const helper = await instance({ ...common, FL_ROLE: 'helper', FL_DB: join(dir, `helper-${m.name}.db`) });
      const leaderEnv = { ...common, FL_ROLE: 'leader', FL_HELPER_URL: helper.url, FL_FORWARD_BATCH: '100' };
      let bodies: Uint8Array[] | undefined;
      for (const setup of [{ store: 'SQLite', leaders: 1 }, { store: 'PostgreSQL', leaders: 1 }, { store: 'PostgreSQL', leaders: 2 }, { store: 'PostgreSQL', leaders: 4 }]) {
        const sqlitePath = join(dir, `leader-${++db}.db`);
        const url = setup.store === 'SQLite' ? null : await cluster.createDatabase(`leader${db}`);
        const env = url ? { ...leaderEnv, FL_DATABASE_URL: url } : { ...leaderEnv, FL_DB: sqlitePath };
        // The first creates the schema and the round; the others join.
        const first = await instance(env);
        const started = [first, ...(await Promise.all(Array.from({ length: setup.leaders - 1 }, () => instance(env))))];
        const leaders = started.map((l) => l.url);
        const info = await roundInfo(first.url);
        // Every run's round is round 1 of the same model under the same helper key: one set of reports serves all.
        bodies ??= await reports(info, m.n);
        const before = url ? await databaseBytes(url) : sqliteBytes(sqlitePath);
        const { seconds, latencies } = await drive(leaders, bodies, concurrency);
        const after = url ? await databaseBytes(url) : sqliteBytes(sqlitePath);
        latencies.sort((a, b) => a - b);
        const row: Row = {
          model: m.name, d: info.length, store: setup.store, leaders: setup.leaders, reports: m.n, seconds,
          perSecond: m.n / seconds, p50ms: quantile(latencies, 0.5), p99ms: quantile(latencies, 0.99), mbPer1000: ((after - before) / m.n) * 1000 / 1e6,
        };
        rows.push(row);
        console.log(
          `${row.model.padEnd(13)} d=${row.d}  ${row.store.padEnd(10)} × ${row.leaders}: ${row.perSecond.toFixed(0).padStart(5)} reports/s  p50 ${row.p50ms.toFixed(1)} ms  p99 ${row.p99ms.toFixed(1)} ms  ${row.mbPer1000.toFixed(1)} MB / 1,000 reports`,
        );
        // The helper keeps this run's seeds; the next run resends the same reports, which it takes as duplicates.
        await stop(started.map((l) => l.child));
      }
      await stop();
    }
  } finally {
    await stop();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ concurrency, rows }, null, 1) + '\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exitCode = 1;
});
