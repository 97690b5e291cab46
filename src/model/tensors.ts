// Moving weights between plain arrays (artifacts, federated updates, IndexedDB) and TF.js variables.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from './plain/artifact';
import type { WeightSpec, Weights } from './weights';

/** Variables for `specs`, filled from `arrays`; every spec must be present with its exact shape. */
export function weightsFromArrays(specs: readonly WeightSpec[], arrays: readonly NamedArray[]): Weights {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const out: Weights = {};
  for (const spec of specs) {
    const a = byName.get(spec.name);
    if (!a) throw new Error(`model weights: "${spec.name}" is missing`);
    if (a.shape.join('x') !== spec.shape.join('x')) {
      throw new Error(`model weights: "${spec.name}" has shape ${a.shape.join('x')}, expected ${spec.shape.join('x')}`);
    }
    const t = tf.tensor(a.data, a.shape);
    out[spec.name] = tf.variable(t, true);
    t.dispose();
  }
  return out;
}

export async function weightsToArrays(w: Weights): Promise<NamedArray[]> {
  return Promise.all(
    Object.entries(w).map(async ([name, v]) => ({ name, shape: v.shape.slice(), data: (await v.data()) as Float32Array })),
  );
}
