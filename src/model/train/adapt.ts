// On-device adaptation: the global encoder reads only the shopper's last `maxLen` events, so a long
// history's older part is invisible to it. The device keeps that part as a personal vector, the
// mean item vector of the older events, weighted by a per-shopper scalar β fitted on the shopper's
// own history (every shared weight frozen, so the global model cannot be forgotten):
//
//   score(item) = (state of the window + β · mean vector of older events) · item + prior
//
// β is fitted only on next events whose older part is non-empty, with an L2 pull towards 0 (the
// global model), and the newest event is held out: β is kept only if it predicts that event
// better than β = 0. One number per shopper is too small to overfit a handful of events.
//
// Several shoppers can adapt in one call (the evaluation does); each one's loss, gradient and
// Adam state are independent, so the result for a shopper is the same as adapting alone.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../plain/config';
import { packBatch } from '../plain/batch';
import { encodeItems, interestHistory, type EventLike, type ItemLike } from '../plain/features';
import { batchTensors, encode, itemBias, itemTensors, itemVectors } from '../network';
import { matMulBT } from '../kernels/matmul';
import { embed } from '../kernels/embed';
import { logSumExpLast } from '../kernels/logsumexp';
import { offerLogQ } from '../plain/sampling';
import type { Weights } from '../weights';
import { interestRow } from '../../shared/events';

export interface AdaptOptions {
  steps: number;
  learningRate: number;
  /** L2 pull of β towards zero (the global model). */
  l2: number;
  /** Most recent interest events kept for adaptation. */
  maxHistory: number;
  /** Negatives used per shopper (the items the device has seen offered). */
  negatives: number;
  /** How much better (nats) the held-out event must be predicted for β to be kept. */
  margin: number;
}

export const ADAPT_DEFAULTS: AdaptOptions = { steps: 40, learningRate: 0.1, l2: 0.01, maxHistory: 200, negatives: 64, margin: 0 };

export interface AdaptInput {
  history: readonly EventLike[];
  /** Items the shopper did not pick, known to the device (offered candidates). None from the history. */
  negatives: readonly ItemLike[];
  /** How often each negative was offered (see sampling.ts); uniform when absent. */
  offerWeights?: readonly number[];
}

export interface AdaptResult {
  /** The personal vector (β · mean of the older events), or null when not adapted. */
  personal: Float32Array | null;
  beta: number;
  /** Held-out event's cross-entropy with β = 0 and with the fitted β (NaN when not adapted). */
  before: number;
  after: number;
}

/** A shopper with enough history: their events and the slots that carry a long-term part. */
interface Shopper {
  input: number;
  events: EventLike[];
  negatives: ItemLike[];
  logQ: number[];
}

/** Slots j (the event j is predicted from the window of maxLen events before it) that have
 *  older events, i.e. j > maxLen; the last one is held out. Needs at least two. */
function slotsOf(n: number, maxLen: number): number[] {
  const out: number[] = [];
  for (let j = maxLen + 1; j < n; j++) out.push(j);
  return out;
}

export async function adaptPersonal(
  w: Weights,
  cfg: ModelConfig,
  inputs: readonly AdaptInput[],
  opts: AdaptOptions = ADAPT_DEFAULTS,
): Promise<AdaptResult[]> {
  const results: AdaptResult[] = inputs.map(() => ({ personal: null, beta: 0, before: NaN, after: NaN }));
  const shoppers = prepare(cfg, inputs, opts);
  if (shoppers.length === 0) return results;
  const fitted = await fit(w, cfg, shoppers, opts);
  shoppers.forEach((s, i) => {
    const { beta, before, after, memory } = fitted[i];
    const keep = after < before - opts.margin;
    results[s.input] = { personal: keep ? memory.map((v) => v * beta) : null, beta: keep ? beta : 0, before, after };
  });
  return results;
}

function prepare(cfg: ModelConfig, inputs: readonly AdaptInput[], opts: AdaptOptions): Shopper[] {
  const eligible = inputs
    .map((u, input) => ({ input, events: interestHistory(u.history, opts.maxHistory), u }))
    .filter((s) => slotsOf(s.events.length, cfg.maxLen).length >= 2 && s.u.negatives.length > 0);
  // Every shopper needs the same number of negatives in the batched graph.
  const n = Math.min(opts.negatives, ...eligible.map((s) => s.u.negatives.length));
  return eligible.map((s) => ({
    input: s.input,
    events: s.events,
    negatives: s.u.negatives.slice(0, n),
    logQ: offerLogQ(s.u.offerWeights, n),
  }));
}

interface Fit {
  beta: number;
  before: number;
  after: number;
  /** Mean item vector of the events older than the scoring window (what β scales). */
  memory: Float32Array;
}

async function fit(w: Weights, cfg: ModelConfig, shoppers: Shopper[], opts: AdaptOptions): Promise<Fit[]> {
  const f = await frozenTensors(w, cfg, shoppers);
  const beta = tf.variable(tf.zeros([shoppers.length])) as tf.Variable<tf.Rank.R1>;
  const optimizer = tf.train.adam(opts.learningRate);
  // Each slot's loss depends on its own shopper's β only, so one sum trains all of them.
  const loss = () => tf.add(tf.sum(slotLoss(f, beta, f.train)), tf.mul(opts.l2, tf.sum(tf.square(beta)))) as tf.Scalar;
  for (let s = 0; s < opts.steps; s++) tf.dispose(optimizer.minimize(loss, true, [beta]) ?? []);
  const [before, after] = tf.tidy(() => [
    tf.gather(slotLoss(f, tf.zerosLike(beta), f.heldOut), f.heldOutSlot),
    tf.gather(slotLoss(f, beta, f.heldOut), f.heldOutSlot),
  ]);
  const [b, a, bt] = await Promise.all([before.data(), after.data(), beta.data()]);
  tf.dispose([before, after, beta, f.basePos, f.baseNeg, f.memPos, f.memNeg, f.slotShopper, f.train, f.heldOut, f.heldOutSlot]);
  optimizer.dispose();
  return shoppers.map((_, i) => ({ beta: bt[i], before: b[i], after: a[i], memory: f.memory[i] }));
}

interface Frozen {
  /** Per slot S: logit of the next event and of each negative [S, N] with β = 0, and what the
   *  long-term memory adds per unit of β. The loss is linear in β inside the softmax. */
  basePos: tf.Tensor1D;
  baseNeg: tf.Tensor2D;
  memPos: tf.Tensor1D;
  memNeg: tf.Tensor2D;
  slotShopper: tf.Tensor1D;
  /** Slot weights: training slots (each shopper's sum to 1) and the held-out slot. */
  train: tf.Tensor1D;
  heldOut: tf.Tensor1D;
  /** Each shopper's held-out slot. */
  heldOutSlot: tf.Tensor1D;
  memory: Float32Array[];
}

async function frozenTensors(w: Weights, cfg: ModelConfig, shoppers: Shopper[]): Promise<Frozen> {
  const d = cfg.dim;
  const slots = shoppers.map((s) => slotsOf(s.events.length, cfg.maxLen));
  // Item vectors of every event (for the memories) and of the negatives, read back once.
  const [eventVecs, negVecs, negBias] = tf.tidy(() => {
    const ev = itemTensors(encodeItems(shoppers.flatMap((s) => s.events), cfg), cfg);
    const ng = itemTensors(encodeItems(shoppers.flatMap((s) => s.negatives), cfg), cfg);
    return [itemVectors(w, ev), itemVectors(w, ng), itemBias(w, ng)];
  });
  // Asynchronous read: WebGPU has no synchronous readback in a worker (dataSync fails there).
  const V = (await eventVecs.data()) as Float32Array;
  eventVecs.dispose();
  const offsets: number[] = [];
  let offset = 0;
  for (const s of shoppers) {
    offsets.push(offset);
    offset += s.events.length;
  }
  const meanOf = (s: number, upTo: number) => {
    const m = new Float32Array(d);
    for (let e = 0; e < upTo; e++) for (let k = 0; k < d; k++) m[k] += V[(offsets[s] + e) * d + k] / upTo;
    return m;
  };
  // Slot j's memory: the events older than its window, e[0 .. j-maxLen-1].
  const slotMemory = slots.flatMap((js, s) => js.map((j) => meanOf(s, j - cfg.maxLen)));
  const memory = shoppers.map((s, i) => meanOf(i, s.events.length - cfg.maxLen));
  const states = slotStates(w, cfg, shoppers, slots);
  const tensors = tf.tidy(() => {
    const S = slotMemory.length;
    const N = shoppers[0].negatives.length;
    const slotShopper = tf.tensor1d(slots.flatMap((js, s) => js.map(() => s)), 'int32');
    const targets = itemTensors(encodeItems(slots.flatMap((js, s) => js.map((j) => shoppers[s].events[j])), cfg), cfg);
    const tVec = itemVectors(w, targets);
    const nVec = tf.gather(tf.reshape(negVecs, [shoppers.length, N, d]), slotShopper) as tf.Tensor3D;
    const logQ = tf.gather(tf.tensor2d(shoppers.map((s) => s.logQ)), slotShopper);
    const nBias = tf.gather(tf.reshape(negBias, [shoppers.length, N]), slotShopper);
    const mem = tf.tensor2d(flatten(slotMemory, d), [S, d]);
    const rowDot = (a: tf.Tensor2D, b: tf.Tensor3D) => tf.reshape(matMulBT(tf.expandDims(a, 1), b), [S, N]) as tf.Tensor2D;
    const weights = trainWeights(slots);
    const heldOutSlot: number[] = [];
    let slot = 0;
    for (const js of slots) {
      slot += js.length;
      heldOutSlot.push(slot - 1);
    }
    const out: Omit<Frozen, 'memory'> = {
      basePos: tf.add(tf.sum(tf.mul(states, tVec), 1), itemBias(w, targets)) as tf.Tensor1D,
      baseNeg: tf.sub(tf.add(rowDot(states, nVec), nBias), logQ) as tf.Tensor2D,
      memPos: tf.sum(tf.mul(mem, tVec), 1) as tf.Tensor1D,
      memNeg: rowDot(mem, nVec),
      slotShopper,
      train: tf.tensor1d(weights.train),
      heldOut: tf.tensor1d(weights.heldOut),
      heldOutSlot: tf.tensor1d(heldOutSlot, 'int32'),
    };
    return out as unknown as tf.TensorContainerObject;
  }) as unknown as Omit<Frozen, 'memory'>;
  tf.dispose([states, negVecs, negBias]);
  return { ...tensors, memory };
}

/** The encoder's state before each slot, from the maxLen events preceding it [S, d]. */
function slotStates(w: Weights, cfg: ModelConfig, shoppers: Shopper[], slots: number[][]): tf.Tensor2D {
  const windows = slots.flatMap((js, s) => js.map((j) => shoppers[s].events.slice(j - cfg.maxLen, j)));
  const codes = encodeItems(windows.flat(), cfg);
  let offset = 0;
  const seqs = windows.map((events) => {
    const items = events.map((_, i) => offset + i);
    offset += events.length;
    return { items, types: events.map((e) => interestRow(e.type)) };
  });
  return tf.tidy(() => {
    const states = encode(w, cfg, batchTensors(packBatch(seqs, cfg.maxLen, codes, cfg), cfg));
    return tf.reshape(tf.slice(states, [0, cfg.maxLen - 1, 0], [windows.length, 1, cfg.dim]), [windows.length, cfg.dim]) as tf.Tensor2D;
  });
}

function trainWeights(slots: number[][]): { train: Float32Array; heldOut: Float32Array } {
  const total = slots.reduce((n, js) => n + js.length, 0);
  const train = new Float32Array(total);
  const heldOut = new Float32Array(total);
  let o = 0;
  for (const js of slots) {
    for (let i = 0; i < js.length - 1; i++) train[o + i] = 1 / (js.length - 1);
    heldOut[o + js.length - 1] = 1;
    o += js.length;
  }
  return { train, heldOut };
}

function flatten(rows: Float32Array[], d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(r, i * d));
  return out;
}

/** Each slot's weighted cross-entropy of its next event against its shopper's negatives [S]. */
function slotLoss(f: Frozen, beta: tf.Tensor1D, weights: tf.Tensor1D): tf.Tensor1D {
  const b = tf.reshape(embed(tf.reshape(beta, [-1, 1]) as tf.Tensor2D, f.slotShopper), [-1]);
  const pos = tf.add(f.basePos, tf.mul(b, f.memPos));
  const neg = tf.add(f.baseNeg, tf.mul(tf.expandDims(b, 1), f.memNeg));
  // -log softmax of the next event among [it, negatives] (see objective.ts).
  const ce = tf.softplus(tf.sub(tf.reshape(logSumExpLast(neg), [-1]), pos));
  return tf.mul(ce, weights) as tf.Tensor1D;
}
