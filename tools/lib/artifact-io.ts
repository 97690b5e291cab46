// Reading and writing model artifacts on disk (model.json + weights.bin).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACT_FORMAT,
  checkModelJson,
  decodeWeights,
  encodeWeights,
  sha256Hex,
  type ModelJson,
  type NamedArray,
  type Quantization,
} from '../../src/model/plain/artifact';
import type { ModelConfig } from '../../src/model/plain/config';

const WEIGHTS_FILE = 'weights.bin';

export async function writeArtifact(
  dir: string,
  cfg: ModelConfig,
  arrays: readonly NamedArray[],
  opts: { name: string; quantization?: Quantization; training?: Record<string, unknown> },
): Promise<ModelJson> {
  const { entries, bin } = encodeWeights(arrays, opts.quantization ?? 'float32');
  const hash = await sha256Hex(bin);
  const json: ModelJson = {
    format: ARTIFACT_FORMAT,
    formatVersion: 1,
    version: `${opts.name}-${hash.slice(0, 12)}`,
    config: cfg,
    weightsSha256: hash,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: entries }],
    ...(opts.training ? { training: opts.training } : {}),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, WEIGHTS_FILE), bin);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  return json;
}

export async function readArtifact(dir: string): Promise<{ json: ModelJson; weights: NamedArray[] }> {
  const json = checkModelJson(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  if ((await sha256Hex(buffer)) !== json.weightsSha256) throw new Error(`${dir}: weights do not match model.json's hash`);
  return { json, weights: decodeWeights(json.weightsManifest[0].weights, buffer) };
}
