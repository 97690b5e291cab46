// Weights for the TINY fixture model, drawn from the seeded PRNG rather than TF.js's random ops:
// the same numbers on every backend and in every TF.js version, so outputs computed from them can
// be checked in (golden.json) and a worker can load them as a model.
import { ARTIFACT_FORMAT, encodeWeights, sha256Hex, type Artifact, type ModelJson, type NamedArray, type Quantization } from '../plain/artifact';
import { weightSpecs, type WeightSpec } from '../weights';
import { rng } from '../../shared/random';
import { TINY } from './fixture';

// Every value is off its layer's initial constant, so every weight shapes the outputs.
const SPREAD: Record<WeightSpec['init'], [base: number, spread: number]> = {
  zeros: [0, 0.05],
  ones: [1, 0.1],
  embed: [0, 0.1],
  dense: [0, 0.5],
};

export function fixtureArrays(seed = 3): NamedArray[] {
  const random = rng(seed);
  return weightSpecs(TINY).map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const [base, spread] = SPREAD[spec.init];
    const data = Float32Array.from({ length: size }, () => base + spread * (2 * random() - 1));
    return { name: spec.name, shape: spec.shape.slice(), data };
  });
}

/** The fixture weights as a site serves them: model.json and its weights file, named by `path`
 *  from the weights' hash. */
export async function fixtureFiles(seed = 3, quantization: Quantization = 'float32', path = (_hash: string) => 'weights.bin'): Promise<{ json: ModelJson; bin: Uint8Array }> {
  const { entries, bin } = encodeWeights(fixtureArrays(seed), quantization);
  const hash = await sha256Hex(bin);
  const json: ModelJson = {
    format: ARTIFACT_FORMAT,
    formatVersion: 1,
    version: `fixture-${hash.slice(0, 12)}`,
    config: TINY,
    weightsSha256: hash,
    weightsManifest: [{ paths: [path(hash)], weights: entries }],
  };
  return { json, bin };
}

/** The fixture weights as a model artifact, as a worker has it once fetched and verified. */
export async function fixtureArtifact(seed = 3): Promise<Artifact> {
  return { json: (await fixtureFiles(seed)).json, weights: fixtureArrays(seed) };
}
