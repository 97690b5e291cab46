// The training objective: sampled softmax over the true next item and a shared set of negatives.
// Cross-entropy against many negatives ranks far better than SASRec's one-negative BCE
// (Klenitskiy & Vasilev, RecSys 2023), and sharing negatives across the batch keeps it one matmul.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../plain/config';
import { encode, itemBias, itemVectors, type BatchTensors, type Dropout, type ItemTensors } from '../network';
import { embed } from '../kernels/embed';
import { matMulBT, matMulBTConstant } from '../kernels/matmul';
import { CATALOG_TABLES } from '../plain/federated-weights';
import { logSumExpLast } from '../kernels/logsumexp';
import type { Weights } from '../weights';
import type { Probes } from '../kernels/client-axis';

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
  /** The catalog tables are not being trained: the negatives' vectors are constants. */
  catalogFixed = false,
): tf.Scalar {
  const states = tf.reshape(encode(w, cfg, x.inputs, dropout), [-1, cfg.dim]) as tf.Tensor2D;
  let h = embed(states, x.slots);
  if (personal) h = tf.add(h, personal);
  const pos = tf.add(tf.sum(tf.mul(h, itemVectors(w, x.targets)), 1, true), tf.expandDims(itemBias(w, x.targets), 1));
  const product = catalogFixed ? matMulBTConstant : matMulBT;
  let neg = tf.add(tf.add(product(h, itemVectors(w, x.negatives)), itemBias(w, x.negatives)), x.collisions);
  if (x.negativeLogQ) neg = tf.sub(neg, x.negativeLogQ);
  return tf.mean(targetLoss(pos, neg)) as tf.Scalar;
}

/** Devices' inputs, each with its own negatives: `inputs` holds one sequence per client (batch C,
 *  length L), and every slot of it is a prediction, weighted so that each client's loss is the
 *  mean over its own predicted events. */
export interface ClientObjectiveInputs {
  inputs: BatchTensors;
  /** [C·L]: the event after each slot (any item where there is none: its weight is 0). */
  targets: ItemTensors;
  /** [C, L]: 1/m on a client's m predicted slots, 0 on padding. */
  slotWeights: tf.Tensor2D;
  /** [C·N]: each client's N negatives, client by client. */
  negatives: ItemTensors;
  /** [C, L, N]: -1e9 where a negative is the slot's own target or padding, else 0. */
  collisions: tf.Tensor3D;
  /** [C, N]: as ObjectiveInputs.negativeLogQ, per client. */
  negativeLogQ: tf.Tensor2D;
}

/** The sum over clients of each client's nextItemLoss on its own history and negatives. Its
 *  gradient by `probes` (kernels/client-axis.ts) is each client's own gradient of the probed weights. */
export function clientsLoss(w: Weights, cfg: ModelConfig, x: ClientObjectiveInputs, dropout: Dropout, probes?: Probes): tf.Scalar {
  const { batch: C, length: L } = x.inputs;
  const N = x.negativeLogQ.shape[1];
  const h = encode(w, cfg, x.inputs, dropout, probes);
  const targets = tf.reshape(itemVectors(w, x.targets, probes), [C, L, cfg.dim]);
  const pos = tf.add(tf.sum(tf.mul(h, targets), 2, true), tf.reshape(itemBias(w, x.targets, probes), [C, L, 1]));
  const negatives = tf.reshape(itemVectors(w, x.negatives, probes), [C, N, cfg.dim]);
  const prior = tf.reshape(tf.sub(itemBias(w, x.negatives, probes), tf.reshape(x.negativeLogQ, [-1])), [C, 1, N]);
  // Differentiated by probes that leave the catalog tables out, the negatives are constants.
  const product = probes && !CATALOG_TABLES.some((t) => probes[t]) ? matMulBTConstant : matMulBT;
  const neg = tf.add(tf.add(product(h, negatives), prior), x.collisions);
  return tf.sum(tf.mul(tf.reshape(targetLoss(pos, neg), [C, L]), x.slotWeights)) as tf.Scalar;
}

/** -log softmax of the target among [target, negatives] = softplus(logsumexp(negatives) - target):
 *  one exp over the negatives and no concat, which keeps it cheap on the WASM backend. */
function targetLoss(pos: tf.Tensor, neg: tf.Tensor): tf.Tensor {
  return tf.softplus(tf.sub(logSumExpLast(neg), pos));
}


/** Additive mask [targets.length, negatives.length] that removes each target from its own negatives. */
export function collisionMask<K>(targets: ArrayLike<K>, negatives: ArrayLike<K>): Float32Array {
  const column = new Map<K, number>();
  for (let j = 0; j < negatives.length; j++) column.set(negatives[j], j);
  const mask = new Float32Array(targets.length * negatives.length);
  for (let i = 0; i < targets.length; i++) {
    const j = column.get(targets[i]);
    if (j !== undefined) mask[i * negatives.length + j] = -1e9;
  }
  return mask;
}
