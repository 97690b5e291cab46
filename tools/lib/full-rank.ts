// Scores every catalog item for each case's history, a chunk of cases at a time.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../src/model/plain/config';
import { packBatch } from '../../src/model/plain/batch';
import type { ItemCodes } from '../../src/model/plain/features';
import { batchTensors, itemBias, itemTensors, itemVectors, scoreItems, userState } from '../../src/model/network';
import type { Weights } from '../../src/model/weights';
import { rankOf, topK } from './metrics';
import type { Case } from './split';

export interface RankOptions {
  chunk?: number;
  /** Also return the best `top` items per case. */
  top?: number;
  /** Per-case personal vectors (on-device adaptation); null = none. */
  personal?: (Float32Array | null)[];
  /** Adds the model's co-occurrence prior to a case's scores (catalogCoPrior), where it has one. */
  prior?: ((history: Case['history'], scores: Float32Array) => void) | null;
}

export interface RankResult {
  ranks: Float64Array;
  tops?: number[][];
}

/** Items in the case's history are excluded from its ranking (the literature's full-ranking protocol). */
export function historySet(c: Case): Set<number> {
  return new Set(Array.from(c.history.items));
}

/** Calls `visit(caseIndex, scores)` with every item's score for each case (the buffer is reused). */
export function scoreAll(
  w: Weights,
  cfg: ModelConfig,
  codes: ItemCodes,
  cases: readonly Case[],
  visit: (index: number, scores: Float32Array) => void,
  opts: RankOptions = {},
): void {
  const chunk = opts.chunk ?? 256;
  const [vectors, bias] = tf.tidy(() => {
    const items = itemTensors(codes, cfg);
    return [itemVectors(w, items), itemBias(w, items)];
  });
  // Similar lengths together: less padding per chunk.
  const order = cases.map((_, i) => i).sort((a, b) => cases[a].history.items.length - cases[b].history.items.length);
  for (let s = 0; s < order.length; s += chunk) {
    const idx = order.slice(s, s + chunk);
    const scores = scoreChunk(w, cfg, codes, idx.map((i) => cases[i]), vectors, bias, opts.personal && idx.map((i) => opts.personal![i]));
    idx.forEach((ci, j) => {
      const row = scores.subarray(j * codes.count, (j + 1) * codes.count);
      opts.prior?.(cases[ci].history, row);
      visit(ci, row);
    });
  }
  tf.dispose([vectors, bias]);
}

export function rankFull(w: Weights, cfg: ModelConfig, codes: ItemCodes, cases: readonly Case[], opts: RankOptions = {}): RankResult {
  const ranks = new Float64Array(cases.length);
  const tops: number[][] | undefined = opts.top ? new Array(cases.length) : undefined;
  scoreAll(w, cfg, codes, cases, (i, row) => {
    const excluded = historySet(cases[i]);
    ranks[i] = rankOf(row, cases[i].target, excluded);
    if (tops) tops[i] = topK(row, opts.top!, excluded);
  }, opts);
  return { ranks, tops };
}

function scoreChunk(
  w: Weights,
  cfg: ModelConfig,
  codes: ItemCodes,
  cs: Case[],
  vectors: tf.Tensor2D,
  bias: tf.Tensor1D,
  personal?: (Float32Array | null)[],
): Float32Array {
  const length = Math.min(cfg.maxLen, Math.max(1, ...cs.map((c) => c.history.items.length)));
  const packed = packBatch(cs.map((c) => c.history), length, codes, cfg);
  const scores = tf.tidy(() => {
    const offsets = personal ? personalMatrix(personal, cfg.dim) : undefined;
    return scoreItems(userState(w, cfg, batchTensors(packed, cfg), offsets), vectors, bias);
  });
  const out = scores.dataSync() as Float32Array;
  scores.dispose();
  return out;
}

function personalMatrix(rows: (Float32Array | null)[], dim: number): tf.Tensor2D {
  const m = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => r && m.set(r, i * dim));
  return tf.tensor2d(m, [rows.length, dim]);
}
