// Test support for the federated-learning server: a real SQLite file per test, the real service
// and HTTP routes on an ephemeral port, seeded noise, and updates encoded by the device's own code
// (src/privacy/fixed-point.ts), so the tests exercise exactly what a browser would send.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createApp } from '../app';
import { listen } from '../listen';
import { checkFlConfig, FL_DEFAULTS, type FlConfig } from './config';
import { mountFl } from './routes';
import { createFlService, type FlService } from './service';
import { federatedWeights, modelWeights } from './models';
import { openSqliteStore } from './sqlite-store';
import type { FlStore } from './store';
import type { Uniform } from '../../src/privacy/noise';
import { seededUniform } from '../../src/privacy/seeded-uniform';
import { flatten } from '../../src/privacy/server-optimizer';
import { encodeClipped, encodeFixed, l2norm } from '../../src/privacy/fixed-point';
import { UPDATE_TYPE, type RoundInfo } from '../../src/sync/wire';
import type { ModelJson, NamedArray } from '../../src/model/plain/artifact';

/** Re-exported for the tests, which import everything from here. */
export { seededUniform, UPDATE_TYPE };

export const INITIAL_MODEL = fileURLToPath(new URL('../../models/demo', import.meta.url));

/** A small, valid configuration; tests override what they exercise. Rounds train every weight
 *  (not the 'dense' default) so that attacks on an item row can be tested. */
export function testConfig(overrides: Partial<FlConfig> = {}): FlConfig {
  return checkFlConfig({ ...FL_DEFAULTS, cohort: 3, clipNorm: 1, noiseMultiplier: 1, population: 1000, uploadsPerMinute: 10_000, weights: 'all', ...overrides });
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-fl-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServiceOptions {
  cfg?: FlConfig;
  dbPath: string;
  uniform?: Uniform;
  now?: () => number;
}

export interface OpenService {
  service: FlService;
  store: FlStore;
  cfg: FlConfig;
}

export async function openService({ cfg = testConfig(), dbPath, uniform, now }: ServiceOptions): Promise<OpenService> {
  const store = openSqliteStore(dbPath);
  const service = await createFlService({ cfg, store, initialModel: INITIAL_MODEL, uniform, now });
  return { service, store, cfg };
}

export interface FlServer extends OpenService {
  url: string;
  /** Everything the app logged as an unexpected error (a 500): must stay empty. */
  errors: unknown[];
  close(): Promise<void>;
}

/** The real app with the FL routes mounted, on 127.0.0.1 and an ephemeral port. */
export async function startFlServer(opts: ServiceOptions): Promise<FlServer> {
  const fl = await openService(opts);
  const errors: unknown[] = [];
  const app = createApp({ log: (m, e) => errors.push(e ?? m) });
  mountFl(app, fl.service, fl.cfg);
  const running = await listen(app, 0, '127.0.0.1');
  return {
    ...fl,
    url: `http://127.0.0.1:${running.port}`,
    errors,
    async close() {
      await running.close();
      fl.store.close();
    },
  };
}

export const freshToken = () => randomBytes(16).toString('hex');

export const bytesOf = (codes: Int16Array) => new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength);

/** Float values with the given L2 norm, pseudo-random direction. */
export function randomDelta(length: number, norm: number, seed: number): Float32Array {
  const r = seededUniform(seed);
  const v = new Float32Array(length);
  for (let i = 0; i < length; i++) v[i] = r() - 0.5;
  const f = norm / l2(v);
  for (let i = 0; i < length; i++) v[i] *= f;
  return v;
}

/** What a well-behaved device uploads: clipped to C, fixed-point with stochastic rounding. */
export function validUpdate(info: RoundInfo, seed: number, norm = 0.9 * info.clipNorm): Int16Array {
  const delta = randomDelta(info.length, norm, seed);
  return encodeClipped(delta, info.clipNorm, info.scale, seededUniform(seed + 1_000_003));
}

/** What a device that skips clipping uploads (norm as given; values must still fit int16). */
export function unclippedUpdate(info: RoundInfo, seed: number, norm: number): Int16Array {
  return encodeFixed(randomDelta(info.length, norm, seed), info.scale, seededUniform(seed + 1_000_003));
}

export function submit(service: FlService, info: RoundInfo, codes: Int16Array, token = freshToken()) {
  return service.submit({ round: String(info.round), model: info.model.version, token, body: bytesOf(codes) });
}

export interface UploadOptions {
  round?: string | number;
  model?: string;
  token?: string;
  type?: string;
  body: Uint8Array | string;
  headers?: Record<string, string>;
}

/** POSTs to /api/fl/update; a header left undefined is not sent. */
export async function upload(url: string, o: UploadOptions): Promise<{ status: number; body: { error?: string; [k: string]: unknown } }> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.type !== undefined) headers['content-type'] = o.type;
  if (o.round !== undefined) headers['x-shelfwise-round'] = String(o.round);
  if (o.model !== undefined) headers['x-shelfwise-model'] = o.model;
  if (o.token !== undefined) headers['x-shelfwise-token'] = o.token;
  const res = await fetch(`${url}/api/fl/update`, { method: 'POST', headers, body: o.body as string | Uint8Array<ArrayBuffer> });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** A valid upload's headers for the round, ready to spread and spoil. */
export function goodHeaders(info: RoundInfo): Required<Pick<UploadOptions, 'round' | 'model' | 'token' | 'type'>> {
  return { round: info.round, model: info.model.version, token: freshToken(), type: UPDATE_TYPE };
}

export async function getJson<T>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Reads the database file directly (a second connection, as an operator would). */
export function inspectDb(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      updates: db.prepare('SELECT round, token FROM updates').all() as { round: number; token: string }[],
      rounds: db.prepare('SELECT id, status, model_version AS model FROM rounds ORDER BY id').all() as { id: number; status: string; model: string }[],
      models: db.prepare('SELECT version, round FROM models ORDER BY seq').all() as { version: string; round: number | null }[],
    };
  } finally {
    db.close();
  }
}

/** Every weight of a published version, read as a device would (model.json + weights.bin). */
export async function publishedWeights(service: Pick<FlService, 'modelFile'>, version: string): Promise<{ json: ModelJson; weights: NamedArray[] }> {
  const jsonFile = await service.modelFile(version, 'model.json');
  const binFile = await service.modelFile(version, 'weights.bin');
  if (!jsonFile || !binFile) throw new Error(`no published model ${version}`);
  const json = JSON.parse(String(jsonFile.body)) as ModelJson;
  return { json, weights: modelWeights(json, binFile.body as Uint8Array) };
}

/** The values a round trains, end to end, from a published version. */
export async function publishedValues(service: Pick<FlService, 'modelFile'>, version: string, setting: FlConfig['weights'] = 'all'): Promise<Float32Array> {
  const { json, weights } = await publishedWeights(service, version);
  return flatten(federatedWeights(json, setting).map((w) => weights.find((a) => a.name === w.name)!.data));
}

export const l2 = l2norm;

export function diff(a: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

export function meanStd(v: ArrayLike<number>): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(s / (v.length - 1)) };
}
