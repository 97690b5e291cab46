// Inference: how much the shopper behind `history` should like each candidate.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './plain/config';
import { packBatch, type SequenceBatch } from './plain/batch';
import { encodeItems, interestHistory, type EventLike, type ItemLike } from './plain/features';
import { batchTensors, itemBias, itemTensors, itemVectors, scoreItems, userState } from './network';
import type { Weights } from './weights';
import { interestRow } from '../shared/events';
import { coKey, type AddPrior } from './plain/co-key';

/** Scores [candidates] as a tensor, synchronously (callers tidy it). History is padded to the
 *  model's window so every call has the same shapes: GPU backends then compile their shaders once. */
function scoreTensor(
  w: Weights,
  cfg: ModelConfig,
  history: readonly EventLike[],
  candidates: readonly ItemLike[],
  personal?: Float32Array,
): tf.Tensor1D {
  const items = itemTensors(encodeItems(candidates, cfg), cfg);
  const bias = itemBias(w, items);
  const events = interestHistory(history, cfg.maxLen);
  if (events.length === 0) return bias;
  const user = userState(w, cfg, batchTensors(historyBatch(events, cfg), cfg), personal && tf.tensor2d(personal, [1, cfg.dim]));
  return tf.reshape(scoreItems(user, itemVectors(w, items), bias), [-1]);
}

/** Scores aligned with `candidates`; higher is better. An empty history still scores (the item
 *  prior). `prior`: the model's co-occurrence prior (addPriorOf), added for the window's events. */
export async function scoreCandidates(
  w: Weights,
  cfg: ModelConfig,
  history: readonly EventLike[],
  candidates: readonly ItemLike[],
  personal?: Float32Array,
  prior?: AddPrior | null,
): Promise<Float32Array> {
  if (candidates.length === 0) return new Float32Array(0);
  const scores = tf.tidy(() => scoreTensor(w, cfg, history, candidates, personal));
  const out = (await scores.data()) as Float32Array;
  scores.dispose();
  const events = interestHistory(history, cfg.maxLen);
  if (prior && events.length > 0) prior(events.map((e) => coKey(e.item_id)), candidates.map((c) => coKey(c.item_id)), out);
  return out;
}

/** One right-aligned sequence of the model's full window. */
function historyBatch(events: readonly EventLike[], cfg: ModelConfig): SequenceBatch {
  const codes = encodeItems(events, cfg);
  const seq = { items: events.map((_, i) => i), types: events.map((e) => interestRow(e.type)) };
  return packBatch([seq], cfg.maxLen, codes, cfg);
}
