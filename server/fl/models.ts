// The models the server keeps: the initial one read from disk, a stored version's weights, and
// which of a model's weights a round trains (the layout of every update).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { checkModelJson, decodeWeights, type ModelJson, type NamedArray } from '../../src/model/plain/artifact';
import { federatedNames } from '../../src/model/plain/federated-weights';
import type { FlConfig } from './config';
import type { FlTx, ModelRow } from './store';

/** The weights rounds train, in manifest order (see FlConfig.weights). */
export function federatedWeights(json: ModelJson, setting: FlConfig['weights']): { name: string; shape: number[] }[] {
  const all = json.weightsManifest[0].weights;
  const names = federatedNames(all, setting);
  return all.filter((w) => names.includes(w.name)).map((w) => ({ name: w.name, shape: w.shape }));
}

/** How many values an update for `json` holds. */
export function updateLength(json: ModelJson, setting: FlConfig['weights']): number {
  return federatedWeights(json, setting).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

/** A stored version's weights, decoded. */
export function modelWeights(json: ModelJson, bytes: Uint8Array): NamedArray[] {
  return decodeWeights(json.weightsManifest[0].weights, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The model in `dir` (model.json + weights), checked, as the first stored version. */
function readInitialModel(dir: string, at: number): Omit<ModelRow, 'seq'> {
  const json = checkModelJson(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  const weights = new Uint8Array(readFileSync(join(dir, json.weightsManifest[0].paths[0])));
  const hash = sha256(weights);
  if (hash !== json.weightsSha256) throw new Error(`${dir}: weights do not match model.json`);
  return { version: json.version, round: null, sha256: hash, json: JSON.stringify(json), weights, createdAt: at };
}

/** A new database starts from the model in `dir`. */
export async function seedModel(tx: FlTx, dir: string, at: number): Promise<void> {
  if (!(await tx.latestModel())) await tx.insertModel(readInitialModel(dir, at));
}
