// The federated-learning server's own view (its /api/fl endpoints), read by a test over HTTP; and
// in two-aggregator mode, what each aggregator received and stored, read from the recording proxy's
// log and their SQLite files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect, type APIRequestContext } from '@playwright/test';
import { checkModelJson, decodeWeights } from '../../src/model/plain/artifact';
import { federatedNames } from '../../src/model/plain/federated-weights';
import { openSeed, parseKeyPair, type HpkeKeyPair } from '../../src/privacy/secagg/hpke';
import { helperShare, parseReport, type Report } from '../../src/privacy/secagg/report';
import { addBytesInto, toSigned } from '../../src/privacy/secagg/ring';
import { flatten } from '../../src/privacy/server-optimizer';
import type { FlStatus, ModelInfo, RoundInfo } from '../../src/sync/wire';
import type { Exchange } from './recording-proxy';
import { FL_HELPER_DB, FL_HELPER_TRAFFIC } from './servers';

async function flGet<T>(request: APIRequestContext, path: string): Promise<T> {
  const res = await request.get(`/api/fl/${path}`);
  expect(res.ok(), `GET /api/fl/${path}: ${res.status()}`).toBe(true);
  return (await res.json()) as T;
}

export const flStatus = (request: APIRequestContext) => flGet<FlStatus>(request, 'status');
export const flRound = (request: APIRequestContext) => flGet<RoundInfo>(request, 'round');
export const flModel = (request: APIRequestContext) => flGet<ModelInfo>(request, 'model');

export interface Published {
  /** sha256 of the weights.bin the server serves for the version. */
  weights: string;
  /** What that version's model.json promises (the widget checks the weights against it). */
  declared: string;
  version: string;
}

/** Downloads a published version's model.json and weights.bin, as a device does, and hashes the weights. */
export async function published(request: APIRequestContext, info: ModelInfo): Promise<Published> {
  const json = await flGet<{ version: string; weightsSha256: string; weightsManifest: { paths: string[] }[] }>(request, info.url);
  const weightsPath = new URL(json.weightsManifest[0].paths[0], new URL(info.url, 'http://x/api/fl/')).pathname;
  const res = await request.get(weightsPath);
  expect(res.ok(), `GET ${weightsPath}: ${res.status()}`).toBe(true);
  return { weights: createHash('sha256').update(await res.body()).digest('hex'), declared: json.weightsSha256, version: json.version };
}

// ---- Two-aggregator mode: what each aggregator received and stored, read by the test. ----

/** The helper's keys, read from its own database: only a test colluding with it has them. */
export function helperKeys(): HpkeKeyPair[] {
  const db = new Database(FL_HELPER_DB, { readonly: true });
  try {
    return (db.prepare('SELECT pair FROM hpke_keys').all() as { pair: string }[]).map((r) => parseKeyPair(JSON.parse(r.pair)));
  } finally {
    db.close();
  }
}

/** Rows of one of an aggregator's tables, as an operator would read them. */
export function tableRows<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Every byte an aggregator keeps on disk: its SQLite file and write-ahead log. */
export function storedBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

/** Everything the leader sent the helper (through the recording proxy), with the answers. */
export function helperTraffic(): Exchange[] {
  return readFileSync(FL_HELPER_TRAFFIC, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Exchange);
}

/** What colluding aggregators could do and one alone cannot: open the seed, expand it, add the
 *  leader's share. The test does it to know each device's update. */
export async function reconstruct(body: Uint8Array, keys: readonly HpkeKeyPair[]): Promise<{ report: Report; seed: Uint8Array; update: Int32Array; mask: Int32Array }> {
  const report = parseReport(body);
  const seed = await openSeed(keys, report.sealedSeed, report);
  const helper = await helperShare(keys, report);
  const mask = toSigned(helper, report.width);
  addBytesInto(helper, report.leaderShare, report.width);
  return { report, seed, update: toSigned(helper, report.width), mask };
}

/** Pearson's chi-square of the byte values against uniform (df = 255; 0.999 quantile 330.5). */
export function byteChiSquare(bytes: Uint8Array): number {
  const counts = new Float64Array(256);
  for (const b of bytes) counts[b]++;
  const e = bytes.length / 256;
  return counts.reduce((a, c) => a + (c - e) ** 2 / e, 0);
}

export { correlation } from '../../src/privacy/testing/correlation';

/** Whether `haystack` holds any `window`-byte run of `needle`: a share or seed copied anywhere. */
export function holdsAnyPart(haystack: Buffer, needle: Uint8Array, window = 32): boolean {
  for (let at = 0; at + window <= needle.length; at += window) if (haystack.includes(Buffer.from(needle.subarray(at, at + window)))) return true;
  return false;
}

/** A published version's dense weights (what a round trains), end to end, as a device reads them. */
export async function denseValues(request: APIRequestContext, info: ModelInfo): Promise<Float32Array> {
  const json = checkModelJson(await flGet(request, info.url));
  const weightsPath = new URL(json.weightsManifest[0].paths[0], new URL(info.url, 'http://x/api/fl/')).pathname;
  const bytes = await (await request.get(weightsPath)).body();
  const all = decodeWeights(json.weightsManifest[0].weights, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const names = federatedNames(json.weightsManifest[0].weights, 'dense');
  return flatten(names.map((n) => all.find((w) => w.name === n)!.data));
}
