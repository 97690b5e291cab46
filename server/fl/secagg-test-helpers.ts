// Test support for two-aggregator mode: a real helper and a real leader, each with its own SQLite
// file, over HTTP on ephemeral ports; seeded noise when a test must replay it; and reports built by
// the device's own code (src/privacy/secagg/report.ts), so the tests send what a browser sends.
import { join } from 'node:path';
import { rng } from '../../src/shared/random';
import { encodeClipped, sharedClipNorm } from '../../src/privacy/fixed-point';
import { buildReport, encodeReport } from '../../src/privacy/secagg/report';
import type { FillWords } from '../../src/privacy/secagg/uniform';
import { REPORT_TYPE, type RoundInfo } from '../../src/sync/wire';
import { createApp } from '../app';
import { listen } from '../listen';
import type { FlConfig } from './config';
import { createHelperService, type HelperService } from './helper';
import { createHelperApp } from './helper-app';
import { helperClient, type HelperClient } from './helper-client';
import { openHelperStore, type HelperStore } from './helper-store';
import { HELPER_BASE } from './helper-wire';
import { createLeader, type LeaderService } from './leader';
import { mountLeader } from './routes';
import { openSqliteStore } from './sqlite-store';
import type { FlStore } from './store';
import { INITIAL_MODEL, randomDelta, seededUniform, testConfig } from './fl-test-helpers';

/** The dense weights (10,656 values): two-aggregator tests need no item rows, and run faster. */
export const secaggConfig = (overrides: Partial<FlConfig> = {}) => testConfig({ weights: 'dense', ...overrides });

/** 32-bit words from a seed: replayable noise for the aggregators. */
export function seededWords(seed: number): FillWords {
  const r = rng(seed);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = r() * 2 ** 32;
  };
}

/** A noise source that hands out seeds base, base + 1, … one per round. */
export function seededNoise(base: number): () => FillWords {
  let n = base;
  return () => seededWords(n++);
}

interface Running {
  url: string;
  /** Unexpected errors (500s) the app logged: must stay empty. */
  errors: unknown[];
  close(): Promise<void>;
}

export interface HelperServer extends Running {
  service: HelperService;
  store: HelperStore;
  dbPath: string;
}

export interface HelperOptions {
  dir: string;
  cfg?: FlConfig;
  now?: () => number;
  noiseSource?: () => FillWords;
  token?: string;
  keySeconds?: number;
  keyGraceSeconds?: number;
  /** Listen on this port (a restarted helper keeps its address). */
  port?: number;
}

export async function startHelper(o: HelperOptions): Promise<HelperServer> {
  const dbPath = join(o.dir, 'helper.db');
  const store = openHelperStore(dbPath);
  const service = createHelperService({
    cfg: o.cfg ?? secaggConfig(),
    settings: { keySeconds: o.keySeconds ?? 30 * 86400, keyGraceSeconds: o.keyGraceSeconds ?? 2 * 86400 },
    store,
    now: o.now,
    noiseSource: o.noiseSource,
  });
  const errors: unknown[] = [];
  const running = await listen(createHelperApp(service, { token: o.token, log: (m, e) => errors.push(e ?? m) }), o.port ?? 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${running.port}`,
    errors,
    service,
    store,
    dbPath,
    async close() {
      await running.close();
      store.close();
    },
  };
}

export interface LeaderServer extends Running {
  service: LeaderService;
  store: FlStore;
  cfg: FlConfig;
  dbPath: string;
}

export interface LeaderOptions {
  dir: string;
  helperUrl: string;
  cfg?: FlConfig;
  now?: () => number;
  noiseSource?: () => FillWords;
  token?: string;
  /** Wrap the helper client (to count or fail its calls). */
  helper?: (client: HelperClient) => HelperClient;
}

export async function startLeader(o: LeaderOptions): Promise<LeaderServer> {
  const dbPath = join(o.dir, 'leader.db');
  const cfg = o.cfg ?? secaggConfig();
  const store = openSqliteStore(dbPath);
  const client = helperClient(o.helperUrl, o.token);
  const service = await createLeader({ cfg, settings: { forwardBatch: 2, retrySeconds: 3600 }, store, helper: o.helper ? o.helper(client) : client, initialModel: INITIAL_MODEL, now: o.now, noiseSource: o.noiseSource });
  await service.pump();
  const errors: unknown[] = [];
  const app = createApp({ log: (m, e) => errors.push(e ?? m) });
  mountLeader(app, service, cfg);
  const running = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${running.port}`,
    errors,
    service,
    store,
    cfg,
    dbPath,
    async close() {
      service.close();
      await running.close();
      store.close();
    },
  };
}

export interface DeviceReport {
  /** The clipped fixed-point update the device shared. */
  update: Int16Array;
  reportId: string;
  body: Uint8Array;
}

/** What a well-behaved device sends for `info`: its update clipped as federate.ts clips it. */
export async function deviceReport(info: RoundInfo, seed: number, norm = 0.9 * info.clipNorm): Promise<DeviceReport> {
  if (!info.secagg) throw new Error('the round announces no helper key');
  const delta = randomDelta(info.length, norm, seed);
  const update = encodeClipped(delta, sharedClipNorm(info.clipNorm, info.length), info.scale, seededUniform(seed + 1_000_003));
  return reportOf(info, update);
}

export async function reportOf(info: RoundInfo, update: Int16Array): Promise<DeviceReport> {
  const report = await buildReport({ update, round: info.round, modelVersion: info.model.version, width: info.secagg!.width, helperConfig: info.secagg!.helper });
  return { update, reportId: report.reportId, body: encodeReport(report) };
}

export interface Answer {
  status: number;
  body: { error?: string; [k: string]: unknown };
}

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** POSTs a report to the leader as the device does. */
export async function postReport(url: string, body: Uint8Array | string, type = REPORT_TYPE): Promise<Answer> {
  return answerOf(await fetch(`${url}/api/fl/report`, { method: 'POST', headers: { 'content-type': type }, body: body as string | Uint8Array<ArrayBuffer> }));
}

/** POSTs JSON to one of the helper's endpoints, as the leader (or an impostor) would. */
export async function postHelper(url: string, path: '/seeds' | '/aggregate', body: unknown, token?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return answerOf(await fetch(`${url}${HELPER_BASE}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

/** Σ of the updates, as the exact integer sum. */
export function exactSum(updates: readonly Int16Array[]): Float64Array {
  const out = new Float64Array(updates[0].length);
  for (const u of updates) for (let i = 0; i < u.length; i++) out[i] += u[i];
  return out;
}
