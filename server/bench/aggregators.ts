// npm run bench:aggregators -- [--reports N] [--json <out.json>]
// Both aggregators' throughput on this machine, as they run: a real helper and a real leader, each
// with its own SQLite file (WAL, synchronous=FULL) in a temporary folder, over HTTP on localhost,
// for the demo model's dense weights (d = 10,656, 24-bit ring). A round of N reports (default 200)
// goes through four timed phases:
//   leader ingest    devices POST their reports (4 at a time); each is parsed, checked and stored
//                    durably before the answer (forwarding held back meanwhile)
//   forward          the leader sends the sealed seeds in batches of 100; the helper opens each
//                    (HPKE) and stores the seed
//   helper aggregate the helper expands and sums N seeds and adds its discrete Gaussian noise
//   leader release   the leader sums N stored shares, adds its noise, combines, range-checks,
//                    takes the FedAdam step and publishes the new version
// and the per-report arithmetic alone (no HTTP, no SQLite) at Beauty's size, d = 84,608.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { numberFlag, parseFlags, positiveInt, stringFlag } from '../../tools/lib/args';
import { MAX_CODE } from '../../src/privacy/fixed-point';
import { addHelperShare, ShareSum } from '../../src/privacy/secagg/aggregation';
import { HELPER_PRIMITIVES } from '../fl/helper-primitives';
import { generateKeyPair } from '../../src/privacy/secagg/hpke';
import { buildReport, encodeReport, parseReport } from '../../src/privacy/secagg/report';
import type { Width } from '../../src/privacy/secagg/ring';
import { REPORT_TYPE, type RoundInfo } from '../../src/sync/wire';
import { createApp } from '../app';
import { listen } from '../listen';
import { checkFlConfig, FL_DEFAULTS } from '../fl/config';
import { createHelperService } from '../fl/helper';
import { createHelperApp } from '../fl/helper-app';
import { helperClient, HelperUnreachable, type HelperClient } from '../fl/helper-client';
import { openHelperStore } from '../fl/helper-store';
import { createLeader } from '../fl/leader';
import { mountLeader } from '../fl/routes';
import { openSqliteStore } from '../fl/sqlite-store';

const USAGE = 'usage: npm run bench:aggregators -- [--reports N (2..2000, default 200)] [--json <out.json>]';

interface Phase {
  what: string;
  reports: number;
  ms: number;
  perSecond: number;
}

const phase = (what: string, reports: number, ms: number): Phase => ({ what, reports, ms, perSecond: (reports / ms) * 1000 });

/** A random update of L2 norm just under 32767, as a clipped encoding is. */
function update(d: number): Int16Array {
  const spread = (0.99 * MAX_CODE) / Math.sqrt(d);
  const words = new Uint32Array(d);
  for (let at = 0; at < d; at += 16384) crypto.getRandomValues(words.subarray(at, at + 16384));
  return Int16Array.from(words, (w) => Math.trunc((w / 2 ** 32 - 0.5) * 2 * spread));
}

async function servers(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-bench-'));
  const cfg = checkFlConfig({ ...FL_DEFAULTS, cohort: n, population: Math.max(10_000, n), uploadsPerMinute: 1_000_000, roundSeconds: 3600 });
  const helperStore = openHelperStore(join(dir, 'helper.db'));
  const helper = createHelperService({ cfg, settings: { keySeconds: 86_400, keyGraceSeconds: 86_400 }, store: helperStore });
  const helperServer = await listen(createHelperApp(helper, { token: undefined }), 0, '127.0.0.1');
  const times = { aggregate: 0 };
  const gate = { open: true };
  const real = helperClient(`http://127.0.0.1:${helperServer.port}`);
  const client: HelperClient = {
    ...real,
    storeSeeds: (batch) => (gate.open ? real.storeSeeds(batch) : Promise.reject(new HelperUnreachable('held back'))),
    async aggregate(req) {
      const t = performance.now();
      const answer = await real.aggregate(req);
      times.aggregate = performance.now() - t;
      return answer;
    },
  };
  const store = openSqliteStore(join(dir, 'leader.db'));
  const leader = await createLeader({ cfg, settings: { forwardBatch: 100, retrySeconds: 3600 }, store, helper: client, initialModel: resolve('models/demo') });
  await leader.pump();
  // The storefront's files are looked up from the repository root (the tool runs bundled elsewhere).
  const app = createApp({ rootDir: resolve('.') });
  mountLeader(app, leader, cfg);
  const leaderServer = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${leaderServer.port}`,
    leader,
    helper,
    gate,
    times,
    async close() {
      leader.close();
      await leaderServer.close();
      await helperServer.close();
      store.close();
      helperStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pipeline(n: number): Promise<Phase[]> {
  const s = await servers(n);
  try {
    const info = (await (await fetch(`${s.url}/api/fl/round`)).json()) as RoundInfo;
    const bodies: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const r = await buildReport({ update: update(info.length), round: info.round, modelVersion: info.model.version, width: info.secagg!.width, helperConfig: info.secagg!.helper });
      bodies.push(encodeReport(r));
    }
    s.gate.open = false;
    let next = 0;
    const post = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await fetch(`${s.url}/api/fl/report`, { method: 'POST', headers: { 'content-type': REPORT_TYPE }, body: body as Uint8Array<ArrayBuffer> });
        if (res.status !== 202) throw new Error(`report refused: ${res.status} ${await res.text()}`);
      }
    };
    let t = performance.now();
    await Promise.all([post(), post(), post(), post()]);
    const ingest = performance.now() - t;
    // Let the held-back pumps settle before timing the forwarding.
    await s.leader.pump();
    s.gate.open = true;
    t = performance.now();
    await s.leader.pump();
    const total = performance.now() - t;
    const status = await s.leader.status();
    if (status.roundsCompleted !== 1) throw new Error(`the round did not complete: ${JSON.stringify(status)}`);
    const helperStatus = await s.helper.status();
    if (helperStatus.seedsAccepted !== n) throw new Error(`the helper holds ${helperStatus.seedsAccepted} seeds, expected ${n}`);
    // The pump forwards, then aggregates: the helper's aggregation was timed inside it.
    const forwardAndRelease = total - s.times.aggregate;
    return [phase('leader ingest (HTTP, parse, durable store)', n, ingest), phase('forward + leader release (helper opens and stores seeds; leader sums, noises, publishes)', n, forwardAndRelease), phase('helper aggregate (expand + sum + noise)', n, s.times.aggregate)];
  } finally {
    await s.close();
  }
}

/** The per-report arithmetic alone at Beauty's size: the leader adds a share; the helper opens, expands and adds. */
async function arithmetic(n: number): Promise<Phase[]> {
  const keys = await generateKeyPair(1);
  const d = 84_608;
  const rows: Phase[] = [];
  for (const width of [24, 32] as Width[]) {
    const reports = [];
    for (let i = 0; i < n; i++) reports.push(encodeReport(await buildReport({ update: update(d), round: 1, modelVersion: 'bench', width, helperConfig: keys.config })));
    const leader = new ShareSum(d, width);
    let t = performance.now();
    for (const r of reports) leader.addBytes(parseReport(r).leaderShare);
    rows.push(phase(`leader: parse + add, d = 84,608, ${width}-bit`, n, performance.now() - t));
    const helper = new ShareSum(d, width);
    t = performance.now();
    // As the helper server opens and expands (helper-primitives.ts).
    for (const r of reports) await addHelperShare(helper, [keys], parseReport(r), HELPER_PRIMITIVES);
    rows.push(phase(`helper: open + expand + add, d = 84,608, ${width}-bit`, n, performance.now() - t));
  }
  return rows;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), ['reports', 'json', 'help']);
  if (flags.help) return console.log(USAGE);
  const n = numberFlag(flags, 'reports', 200, (v) => positiveInt(v) && v >= 2 && v <= 2000);
  const json = stringFlag(flags, 'json');
  const rows = [...(await pipeline(n)), ...(await arithmetic(Math.min(n, 50)))];
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(`${'phase'.padEnd(w)}  reports        ms   reports/s`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${String(r.reports).padStart(7)}  ${r.ms.toFixed(0).padStart(8)}  ${r.perSecond.toFixed(0).padStart(10)}`);
  if (json) writeFileSync(resolve(json), JSON.stringify({ node: process.version, reports: n, rows }, null, 2) + '\n');
}

main().catch((err) => {
  console.error(`bench-aggregators: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
