// The federated-learning server's own view (its /api/fl endpoints), read by a test over HTTP.
import { createHash } from 'node:crypto';
import { expect, type APIRequestContext } from '@playwright/test';
import type { FlStatus, ModelInfo, RoundInfo } from '../../src/sync/wire';

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
