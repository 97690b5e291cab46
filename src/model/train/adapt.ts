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
// Items the shopper dismissed ("Not interested") are strong negatives: every next event is
// predicted against them as well as against the offered items, each dismissed item counting as
// DISMISS_WEIGHT offered-but-not-picked ones, and a second scalar γ moves the state away from
// their mean vector:
//
//   score(item) = (state + β · older mean − γ · dismissed mean) · item + prior
//
// Since a dismissed item's vector shares its brand and category rows with the items like it, γ
// lowers those too, as far as the shopper's own next events (which may well be like it) allow.
// The page applies γ to the dismissed items of the moment (src/model/plain/dismissals.ts).
// With dismissals every next event of the history is used (not only those with older events),
// so a short history adapts too; without any, the fit is exactly the one above.
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
import { DISMISS_WEIGHT } from '../plain/dismissals';

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

/** Most recent dismissals read. */
const MAX_DISMISSED = 64;

/** Where a padded dismissal column's logit goes: nowhere (exp underflows to 0). */
const MASKED = -1e9;

export interface AdaptInput {
  history: readonly EventLike[];
  /** Items the shopper did not pick, known to the device (offered candidates). None from the history. */
  negatives: readonly ItemLike[];
  /** How often each negative was offered (see sampling.ts); uniform when absent. */
  offerWeights?: readonly number[];
  /** Items the shopper dismissed ("Not interested"), oldest first: strong negatives. */
  dismissed?: readonly ItemLike[];
}

export interface AdaptResult {
  /** The personal vector (β · mean of the older events − γ · mean of the dismissed items), or
   *  null when not adapted. */
  personal: Float32Array | null;
  /** β · mean of the older events alone, or null when not adapted. */
  longTerm: Float32Array | null;
  beta: number;
  gamma: number;
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
  dismissed: ItemLike[];
}

/** Slots j (the event j is predicted from the window of maxLen events before it) that have
 *  older events, i.e. j > maxLen, or with dismissals every j ≥ 1; the last one is held out.
 *  Needs at least two. */
function slotsOf(n: number, maxLen: number, dismissals: boolean): number[] {
  const out: number[] = [];
  for (let j = dismissals ? 1 : maxLen + 1; j < n; j++) out.push(j);
  return out;
}

export async function adaptPersonal(
  w: Weights,
  cfg: ModelConfig,
  inputs: readonly AdaptInput[],
  opts: AdaptOptions = ADAPT_DEFAULTS,
): Promise<AdaptResult[]> {
  const results: AdaptResult[] = inputs.map(() => ({ personal: null, longTerm: null, beta: 0, gamma: 0, before: NaN, after: NaN }));
  const shoppers = prepare(cfg, inputs, opts);
  if (shoppers.length === 0) return results;
  const fitted = await fit(w, cfg, shoppers, opts);
  shoppers.forEach((s, i) => {
    const { beta, gamma, before, after, memory, dislike } = fitted[i];
    const keep = after < before - opts.margin;
    const personal = keep ? memory.map((v, k) => v * beta - gamma * dislike[k]) : null;
    const longTerm = keep ? memory.map((v) => v * beta) : null;
    results[s.input] = { personal, longTerm, beta: keep ? beta : 0, gamma: keep ? gamma : 0, before, after };
  });
  return results;
}

function prepare(cfg: ModelConfig, inputs: readonly AdaptInput[], opts: AdaptOptions): Shopper[] {
  const eligible = inputs
    .map((u, input) => ({ input, events: interestHistory(u.history, opts.maxHistory), dismissed: (u.dismissed ?? []).slice(-MAX_DISMISSED), u }))
    .filter((s) => slotsOf(s.events.length, cfg.maxLen, s.dismissed.length > 0).length >= 2 && s.u.negatives.length > 0);
  // Every shopper needs the same number of negatives in the batched graph.
  const n = Math.min(opts.negatives, ...eligible.map((s) => s.u.negatives.length));
  return eligible.map((s) => ({
    input: s.input,
    events: s.events,
    negatives: s.u.negatives.slice(0, n),
    logQ: offerLogQ(s.u.offerWeights, n),
    dismissed: s.dismissed,
  }));
}

interface Fit {
  beta: number;
  gamma: number;
  before: number;
  after: number;
  /** Mean item vector of the events older than the scoring window (what β scales). */
  memory: Float32Array;
  /** Mean item vector of the dismissed items (what γ scales; zeros without dismissals). */
  dislike: Float32Array;
}

async function fit(w: Weights, cfg: ModelConfig, shoppers: Shopper[], opts: AdaptOptions): Promise<Fit[]> {
  const f = await frozenTensors(w, cfg, shoppers);
  const beta = tf.variable(tf.zeros([shoppers.length])) as tf.Variable<tf.Rank.R1>;
  const gamma = f.dis ? (tf.variable(tf.zeros([shoppers.length])) as tf.Variable<tf.Rank.R1>) : null;
  const params = gamma ? [beta, gamma] : [beta];
  const optimizer = tf.train.adam(opts.learningRate);
  // Each slot's loss depends on its own shopper's β and γ only, so one sum trains all of them.
  const loss = () => tf.add(tf.sum(slotLoss(f, beta, gamma, f.train)), tf.mul(opts.l2, tf.addN(params.map((p) => tf.sum(tf.square(p)))))) as tf.Scalar;
  for (let s = 0; s < opts.steps; s++) tf.dispose(optimizer.minimize(loss, true, params) ?? []);
  const [before, after] = tf.tidy(() => [
    tf.gather(slotLoss(f, tf.zerosLike(beta), gamma && tf.zerosLike(gamma), f.heldOut), f.heldOutSlot),
    tf.gather(slotLoss(f, beta, gamma, f.heldOut), f.heldOutSlot),
  ]);
  const [b, a, bt, gm] = await Promise.all([before.data(), after.data(), beta.data(), gamma?.data()]);
  tf.dispose([before, after, ...params, f.basePos, f.baseNeg, f.memPos, f.memNeg, f.slotShopper, f.train, f.heldOut, f.heldOutSlot, ...(f.dis ? [f.dis.pos, f.dis.neg] : [])]);
  optimizer.dispose();
  return shoppers.map((_, i) => ({ beta: bt[i], gamma: gm?.[i] ?? 0, before: b[i], after: a[i], memory: f.memory[i], dislike: f.dislike[i] }));
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
  /** What γ takes from each logit per unit (the dismissed mean · the item), when any shopper of
   *  the batch has dismissals; their columns are appended to the negatives. */
  dis: { pos: tf.Tensor1D; neg: tf.Tensor2D } | null;
  memory: Float32Array[];
  dislike: Float32Array[];
}

async function frozenTensors(w: Weights, cfg: ModelConfig, shoppers: Shopper[]): Promise<Frozen> {
  const d = cfg.dim;
  const slots = shoppers.map((s) => slotsOf(s.events.length, cfg.maxLen, s.dismissed.length > 0));
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
  const dislikes = await dismissedVectors(w, cfg, shoppers);
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
    const rowDot = (a: tf.Tensor2D, b: tf.Tensor3D) => tf.reshape(matMulBT(tf.expandDims(a, 1), b), [S, -1]) as tf.Tensor2D;
    const weights = trainWeights(slots);
    const heldOutSlot: number[] = [];
    let slot = 0;
    for (const js of slots) {
      slot += js.length;
      heldOutSlot.push(slot - 1);
    }
    let baseNeg = tf.sub(tf.add(rowDot(states, nVec), nBias), logQ) as tf.Tensor2D;
    let memNeg = rowDot(mem, nVec);
    let dis: Frozen['dis'] = null;
    if (dislikes) {
      // The dismissed items, padded to the batch's most: [S, M] columns after the N offered ones.
      const M = dislikes.columns;
      const dVec = tf.gather(tf.reshape(dislikes.vectors, [shoppers.length, M, d]), slotShopper) as tf.Tensor3D;
      const dBias = tf.gather(tf.reshape(dislikes.bias, [shoppers.length, M]), slotShopper);
      const mask = tf.gather(dislikes.mask, slotShopper);
      const mean = tf.gather(dislikes.mean, slotShopper) as tf.Tensor2D;
      baseNeg = tf.concat([baseNeg, tf.add(tf.add(rowDot(states, dVec), dBias), mask) as tf.Tensor2D], 1);
      memNeg = tf.concat([memNeg, rowDot(mem, dVec)], 1);
      dis = { pos: tf.sum(tf.mul(mean, tVec), 1) as tf.Tensor1D, neg: tf.concat([rowDot(mean, nVec), rowDot(mean, dVec)], 1) };
    }
    const out: Omit<Frozen, 'memory' | 'dislike'> = {
      basePos: tf.add(tf.sum(tf.mul(states, tVec), 1), itemBias(w, targets)) as tf.Tensor1D,
      baseNeg,
      memPos: tf.sum(tf.mul(mem, tVec), 1) as tf.Tensor1D,
      memNeg,
      slotShopper,
      train: tf.tensor1d(weights.train),
      heldOut: tf.tensor1d(weights.heldOut),
      heldOutSlot: tf.tensor1d(heldOutSlot, 'int32'),
      dis,
    };
    return out as unknown as tf.TensorContainerObject;
  }) as unknown as Omit<Frozen, 'memory' | 'dislike'>;
  tf.dispose([states, negVecs, negBias, ...(dislikes ? [dislikes.vectors, dislikes.bias, dislikes.mask, dislikes.mean] : [])]);
  return { ...tensors, memory, dislike: dislikes?.means ?? shoppers.map(() => new Float32Array(d)) };
}

interface Dislikes {
  /** The most dismissals one shopper of the batch has. */
  columns: number;
  /** [C·M, d] item vectors, [C·M] priors + log DISMISS_WEIGHT, [C, M] 0 or MASKED for padding. */
  vectors: tf.Tensor2D;
  bias: tf.Tensor1D;
  mask: tf.Tensor2D;
  /** Each shopper's mean dismissed vector [C, d], and the same read back. */
  mean: tf.Tensor2D;
  means: Float32Array[];
}

/** The dismissed items' vectors, padded per shopper; null when no shopper of the batch has any. */
async function dismissedVectors(w: Weights, cfg: ModelConfig, shoppers: Shopper[]): Promise<Dislikes | null> {
  const M = Math.max(...shoppers.map((s) => s.dismissed.length));
  if (M === 0) return null;
  const d = cfg.dim;
  // Padding repeats a real item (any row will do: its column is masked out).
  const padded = shoppers.flatMap((s) => Array.from({ length: M }, (_, k) => s.dismissed[k] ?? s.dismissed[0] ?? s.negatives[0]));
  const [vectors, bias] = tf.tidy(() => {
    const items = itemTensors(encodeItems(padded, cfg), cfg);
    return [itemVectors(w, items), tf.add(itemBias(w, items), Math.log(DISMISS_WEIGHT)) as tf.Tensor1D];
  });
  const V = (await vectors.data()) as Float32Array;
  const means = shoppers.map((s, c) => {
    const m = new Float32Array(d);
    for (let k = 0; k < s.dismissed.length; k++) for (let i = 0; i < d; i++) m[i] += V[(c * M + k) * d + i] / s.dismissed.length;
    return m;
  });
  const mask = tf.tensor2d(shoppers.flatMap((s) => Array.from({ length: M }, (_, k) => (k < s.dismissed.length ? 0 : MASKED))), [shoppers.length, M]);
  return { columns: M, vectors, bias, mask, mean: tf.tensor2d(flatten(means, d), [shoppers.length, d]), means };
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
function slotLoss(f: Frozen, beta: tf.Tensor1D, gamma: tf.Tensor1D | null, weights: tf.Tensor1D): tf.Tensor1D {
  const perSlot = (p: tf.Tensor1D) => tf.reshape(embed(tf.reshape(p, [-1, 1]) as tf.Tensor2D, f.slotShopper), [-1]);
  const b = perSlot(beta);
  let pos = tf.add(f.basePos, tf.mul(b, f.memPos));
  let neg = tf.add(f.baseNeg, tf.mul(tf.expandDims(b, 1), f.memNeg));
  if (gamma && f.dis) {
    const g = perSlot(gamma);
    pos = tf.sub(pos, tf.mul(g, f.dis.pos));
    neg = tf.sub(neg, tf.mul(tf.expandDims(g, 1), f.dis.neg));
  }
  // -log softmax of the next event among [it, negatives] (see objective.ts).
  const ce = tf.softplus(tf.sub(tf.reshape(logSumExpLast(neg), [-1]), pos));
  return tf.mul(ce, weights) as tf.Tensor1D;
}
