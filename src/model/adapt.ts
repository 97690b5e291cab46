// On-device adaptation: a small personal vector added to the shopper's state, fitted to their own
// history while every shared weight stays frozen, so the global model cannot be forgotten.
// The newest event is held out: the vector is kept only if it predicts that event better than
// no vector at all, which keeps adaptation from making things worse for a shopper.
//
// Several shoppers can adapt in one call (the evaluation does); each one's loss, gradient and
// Adam state are independent, so the result for a shopper is the same as adapting alone.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import { packBatch } from './batch';
import { EVENT_TYPES, encodeItems, interestHistory, type EventLike, type ItemLike } from './features';
import { batchTensors, encode, itemBias, itemTensors, itemVectors } from './network';
import { matMulBT } from './matmul';
import type { Weights } from './weights';

export interface AdaptOptions {
  steps: number;
  learningRate: number;
  /** L2 pull of the personal vector towards zero (the global model). */
  l2: number;
  /** Interest events needed before adapting at all. */
  minEvents: number;
  /** Negatives used per shopper (the items the device has seen offered). */
  negatives: number;
}

export const ADAPT_DEFAULTS: AdaptOptions = { steps: 30, learningRate: 0.05, l2: 0.05, minEvents: 5, negatives: 100 };

export interface AdaptInput {
  history: readonly EventLike[];
  /** Items the shopper did not pick, known to the device (offered candidates). None from the history. */
  negatives: readonly ItemLike[];
}

export interface AdaptResult {
  /** The personal vector, or null when the shopper has too little history or it did not help. */
  personal: Float32Array | null;
  /** Held-out event's cross-entropy without and with the vector (NaN when not adapted). */
  before: number;
  after: number;
}

interface Prepared {
  user: number;
  events: EventLike[];
  negatives: ItemLike[];
}

export async function adaptPersonal(
  w: Weights,
  cfg: ModelConfig,
  users: readonly AdaptInput[],
  opts: AdaptOptions = ADAPT_DEFAULTS,
): Promise<AdaptResult[]> {
  const results: AdaptResult[] = users.map(() => ({ personal: null, before: NaN, after: NaN }));
  const ready = prepare(cfg, users, opts);
  if (ready.length === 0) return results;
  const fitted = await fit(w, cfg, ready, opts);
  ready.forEach((r, i) => {
    const { before, after } = fitted.heldOut[i];
    results[r.user] = { personal: after < before ? fitted.vectors[i] : null, before, after };
  });
  return results;
}

function prepare(cfg: ModelConfig, users: readonly AdaptInput[], opts: AdaptOptions): Prepared[] {
  const out: Prepared[] = [];
  users.forEach((u, user) => {
    const events = interestHistory(u.history, cfg.maxLen + 1);
    const negatives = u.negatives.slice(0, opts.negatives);
    if (events.length >= Math.max(3, opts.minEvents) && negatives.length > 0) out.push({ user, events, negatives });
  });
  // Every shopper needs the same number of negatives in the batched graph.
  const n = Math.min(...out.map((p) => p.negatives.length));
  out.forEach((p) => (p.negatives = p.negatives.slice(0, n)));
  return out;
}

interface Fitted {
  vectors: Float32Array[];
  heldOut: { before: number; after: number }[];
}

async function fit(w: Weights, cfg: ModelConfig, ready: Prepared[], opts: AdaptOptions): Promise<Fitted> {
  const U = ready.length;
  const T = Math.max(...ready.map((r) => r.events.length - 1));
  const frozen = tf.tidy(() => frozenTensors(w, cfg, ready, T) as unknown as tf.TensorContainerObject) as unknown as Frozen;
  const personal = tf.variable(tf.zeros([U, 1, cfg.dim]));
  const optimizer = tf.train.adam(opts.learningRate);
  const loss = () =>
    tf.add(tf.sum(perSlotLoss(frozen, personal, frozen.train)), tf.mul(opts.l2, tf.sum(tf.square(personal)))) as tf.Scalar;
  for (let s = 0; s < opts.steps; s++) tf.dispose(optimizer.minimize(loss, true, [personal]) ?? []);
  const [before, after] = tf.tidy(() => [
    perSlotLoss(frozen, tf.zerosLike(personal), frozen.heldOut),
    perSlotLoss(frozen, personal, frozen.heldOut),
  ]);
  const [b, a, p] = await Promise.all([before.data(), after.data(), personal.data()]);
  tf.dispose([before, after, personal, ...Object.values(frozen)]);
  optimizer.dispose();
  return {
    vectors: ready.map((_, i) => Float32Array.from(p.subarray(i * cfg.dim, (i + 1) * cfg.dim))),
    heldOut: ready.map((_, i) => ({ before: b[i], after: a[i] })),
  };
}

interface Frozen {
  /** Next-event logits of each slot without the personal vector: positives [U, T], negatives [U, T, N].
   *  The vector's share is linear in it, so the big products are computed once, not every step. */
  basePos: tf.Tensor2D;
  baseNeg: tf.Tensor3D;
  targetVectors: tf.Tensor3D;
  negativeVectors: tf.Tensor3D;
  /** Weights of the training slots [U, T] (each shopper's rows sum to 1) and the held-out slot. */
  train: tf.Tensor2D;
  heldOut: tf.Tensor2D;
}

function frozenTensors(w: Weights, cfg: ModelConfig, ready: Prepared[], T: number): Frozen {
  const U = ready.length;
  const N = ready[0].negatives.length;
  const inputs = ready.map((r) => r.events.slice(0, -1));
  const targets: ItemLike[] = [];
  const train = new Float32Array(U * T);
  const heldOut = new Float32Array(U * T);
  ready.forEach((r, u) => {
    const m = r.events.length - 1;
    for (let j = 0; j < T; j++) targets.push(j >= T - m ? r.events[j - (T - m) + 1] : { item_id: '' });
    for (let j = T - m; j < T - 1; j++) train[u * T + j] = 1 / (m - 1);
    heldOut[u * T + T - 1] = 1;
  });
  const codes = encodeItems(inputs.flat(), cfg);
  let offset = 0;
  const seqs = inputs.map((events) => {
    const items = events.map((_, i) => offset + i);
    offset += events.length;
    return { items, types: events.map((e) => EVENT_TYPES[e.type] ?? 0) };
  });
  const states = encode(w, cfg, batchTensors(packBatch(seqs, T, codes, cfg), cfg));
  const t = itemTensors(encodeItems(targets, cfg), cfg);
  const n = itemTensors(encodeItems(ready.flatMap((r) => r.negatives), cfg), cfg);
  const targetVectors = tf.reshape(itemVectors(w, t), [U, T, cfg.dim]) as tf.Tensor3D;
  const negativeVectors = tf.reshape(itemVectors(w, n), [U, N, cfg.dim]) as tf.Tensor3D;
  return {
    basePos: tf.add(tf.sum(tf.mul(states, targetVectors), 2), tf.reshape(itemBias(w, t), [U, T])) as tf.Tensor2D,
    baseNeg: tf.add(matMulBT(states, negativeVectors), tf.reshape(itemBias(w, n), [U, 1, N])) as tf.Tensor3D,
    targetVectors,
    negativeVectors,
    train: tf.tensor2d(train, [U, T]),
    heldOut: tf.tensor2d(heldOut, [U, T]),
  };
}

/** Each shopper's weighted cross-entropy of next events against their negatives [U]. */
function perSlotLoss(f: Frozen, personal: tf.Tensor, weights: tf.Tensor2D): tf.Tensor1D {
  const [U, T] = f.basePos.shape;
  const pos = tf.add(f.basePos, tf.reshape(matMulBT(personal, f.targetVectors), [U, T]));
  const neg = tf.add(f.baseNeg, matMulBT(personal, f.negativeVectors));
  const logits = tf.concat([tf.expandDims(pos, 2), neg], 2);
  const ce = tf.sub(tf.logSumExp(logits, 2), pos);
  return tf.sum(tf.mul(ce, weights), 1);
}
