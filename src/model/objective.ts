// The training objective: sampled softmax over the true next item and a shared set of negatives.
// Cross-entropy against many negatives ranks far better than SASRec's one-negative BCE
// (Klenitskiy & Vasilev, RecSys 2023), and sharing negatives across the batch keeps it one matmul.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import { encode, itemBias, itemVectors, type BatchTensors, type Dropout, type ItemTensors } from './network';
import { embed } from './embed';
import { matMulBT } from './matmul';
import { logSumExpLast } from './logsumexp';
import type { Weights } from './weights';

export interface ObjectiveInputs {
  inputs: BatchTensors;
  /** Flat slot indices [P] whose next event is predicted. */
  slots: tf.Tensor1D;
  targets: ItemTensors;
  negatives: ItemTensors;
  /** [P, N]: -1e9 where a negative is the slot's own target (see collisionMask), else 0. */
  collisions: tf.Tensor2D;
  /** [N]: log(k q) of negatives drawn non-uniformly (q their sampling probability), subtracted
   *  from their logits so the loss still estimates the full softmax. Omit for uniform draws. */
  negativeLogQ?: tf.Tensor1D;
}

export function nextItemLoss(
  w: Weights,
  cfg: ModelConfig,
  x: ObjectiveInputs,
  dropout: Dropout,
  personal?: tf.Tensor2D,
): tf.Scalar {
  const states = tf.reshape(encode(w, cfg, x.inputs, dropout), [-1, cfg.dim]) as tf.Tensor2D;
  let h = embed(states, x.slots);
  if (personal) h = tf.add(h, personal);
  const pos = tf.add(tf.sum(tf.mul(h, itemVectors(w, x.targets)), 1, true), tf.expandDims(itemBias(w, x.targets), 1));
  let neg = tf.add(tf.add(matMulBT(h, itemVectors(w, x.negatives)), itemBias(w, x.negatives)), x.collisions);
  if (x.negativeLogQ) neg = tf.sub(neg, x.negativeLogQ);
  // -log softmax of the target among [target, negatives] = softplus(logsumexp(negatives) - target):
  // one exp over the negatives and no concat, which keeps it cheap on the WASM backend.
  return tf.mean(tf.softplus(tf.sub(logSumExpLast(neg), pos))) as tf.Scalar;
}


/** Additive mask [targets.length, negatives.length] that removes each target from its own negatives. */
export function collisionMask(targets: ArrayLike<number>, negatives: ArrayLike<number>): Float32Array {
  const column = new Map<number, number>();
  for (let j = 0; j < negatives.length; j++) column.set(negatives[j], j);
  const mask = new Float32Array(targets.length * negatives.length);
  for (let i = 0; i < targets.length; i++) {
    const j = column.get(targets[i]);
    if (j !== undefined) mask[i * negatives.length + j] = -1e9;
  }
  return mask;
}
