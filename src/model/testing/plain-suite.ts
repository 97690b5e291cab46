// The TF.js-free ranking path (plain/rank) against TF.js's scoreCandidates on one backend: same
// weights, same config, same shoppers; the scores must agree to 1e-4 of the call's score scale
// (the largest |score| TF.js gives that call's candidates) and the top 10 must come out in the
// same order. Node runs it on CPU and WASM, the browser project on WebGPU, WebGL and CPU.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Artifact, NamedArray } from '../plain/artifact';
import type { ModelConfig } from '../plain/config';
import { createRanker } from '../plain/rank/ranker';
import { scoreCandidates } from '../score';
import { weightsFromArrays, weightsToArrays } from '../tensors';
import { createWeights, disposeWeights, weightSpecs } from '../weights';
import { RANK_CONFIGS, coOccurrenceCase, rankCases, scaledWeights } from './rank-cases';
import { addPriorOf } from '../plain/co-occurrence';

const TOLERANCE = 1e-4;
const TOP = 10;

/** Indices of the best n scores, best first; ties by lower index. */
function topN(scores: Float32Array, n: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, n);
}

/** The largest |plain - tf| and the call's score scale. */
function gap(plain: Float32Array, ref: Float32Array): { worst: number; scale: number } {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(plain[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return { worst, scale };
}

async function initialArrays(cfg: ModelConfig, seed: number): Promise<NamedArray[]> {
  const w = createWeights(weightSpecs(cfg), seed);
  const arrays = await weightsToArrays(w);
  disposeWeights(w);
  return arrays;
}

/** Every case of `rankCases` through both paths; returns the worst relative gap seen. */
async function expectSameRanking(cfg: ModelConfig, arrays: NamedArray[], seed: number): Promise<number> {
  const prior = addPriorOf(arrays);
  const ranker = createRanker(cfg, arrays, prior);
  const w = weightsFromArrays(weightSpecs(cfg), arrays);
  let worstRelative = 0;
  try {
    for (const c of rankCases(cfg, seed)) {
      const ref = await scoreCandidates(w, cfg, c.history, c.candidates, c.personal, prior);
      const plain = ranker.score(c.history, c.candidates, c.personal);
      expect(plain, c.label).toHaveLength(c.candidates.length);
      expect(ranker.score(c.history, c.candidates, c.personal), `${c.label}, again`).toEqual(plain);
      const { worst, scale } = gap(plain, ref);
      expect(worst, `${c.label}: largest gap ${worst} at score scale ${scale}`).toBeLessThanOrEqual(TOLERANCE * scale);
      expect(topN(plain, TOP), `${c.label}: top ${TOP}`).toEqual(topN(ref, TOP));
      if (scale > 0) worstRelative = Math.max(worstRelative, worst / scale);
    }
  } finally {
    disposeWeights(w);
  }
  return worstRelative;
}

/** `use` selects the backend (false when it is not there: the suite then fails, never skips). */
export function plainRankSuite(backend: string, use: () => Promise<boolean>, demoArtifact: () => Promise<Artifact>) {
  describe(`plain ranking equals TF.js on ${backend}`, () => {
    let available = false;
    beforeAll(async () => {
      available = await use();
    }, 60_000);
    const onBackend = () => {
      expect(available, `TF.js backend "${backend}" is not available`).toBe(true);
      expect(tf.getBackend()).toBe(backend);
    };

    for (const [name, cfg] of RANK_CONFIGS) {
      test(`${name} config, initial weights`, async () => {
        onBackend();
        const arrays = await initialArrays(cfg, 5);
        expect(await expectSameRanking(cfg, arrays, 11)).toBeGreaterThan(0);
      }, 180_000);

      test(`${name} config, every weight scaled and shifted`, async () => {
        onBackend();
        const arrays = scaledWeights(await initialArrays(cfg, 6), 7);
        await expectSameRanking(cfg, arrays, 12);
      }, 180_000);

      test(`${name} config, with a co-occurrence prior`, async () => {
        onBackend();
        const network = scaledWeights(await initialArrays(cfg, 8), 9);
        const arrays = [...network, ...coOccurrenceCase(14)];
        await expectSameRanking(cfg, arrays, 14);
        // The prior takes part: some shelf is ordered otherwise without it.
        const [withPrior, without] = [createRanker(cfg, arrays, addPriorOf(arrays)), createRanker(cfg, network)];
        const moved = rankCases(cfg, 14).filter((c) => topN(withPrior.score(c.history, c.candidates), TOP).join() !== topN(without.score(c.history, c.candidates), TOP).join());
        expect(moved.length).toBeGreaterThan(0);
      }, 180_000);
    }

    test('the trained demo model (uint8 artifact)', async () => {
      onBackend();
      const { json, weights } = await demoArtifact();
      await expectSameRanking(json.config, weights, 13);
    }, 180_000);
  });
}
