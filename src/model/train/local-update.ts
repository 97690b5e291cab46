// A device's contribution to federated learning: one step of the global training objective on the
// shopper's own history (FedSGD), taken on the federated (shared) weights only and returned as
// the difference it makes to them. Personal parameters play no part, and nothing but this
// difference is ever used outside the device.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../plain/config';
import { interestHistory, type EventLike, type ItemLike } from '../plain/features';
import { batchTensors, itemTensors } from '../network';
import { clientsLoss } from './objective';
import { clientArrays, type ClientExample } from './client-batch';
import { probesFor, type Probes } from '../kernels/client-axis';
import type { Weights } from '../weights';

export interface LocalUpdateOptions {
  learningRate: number;
  /** Offered-but-not-picked items used as negatives. */
  negatives: number;
  /** Interest events needed to contribute. */
  minEvents: number;
  /** Dropout during local training, as in central training (the global model was trained with it). */
  dropout: number;
}

// One step: the server's Adam normalises each weight's step, so a device only needs to give the
// direction, and one step is the least work for a shopper's device. Three interest events (two
// next-item targets) are enough, and the more sampled devices contribute, the more updates the
// same noise is divided by. Up to 256 of the items it was offered (a device remembers 300) as
// negatives: more negatives estimate the full-catalog softmax better (docs/experiments.md).
export const LOCAL_UPDATE_DEFAULTS: LocalUpdateOptions = { learningRate: 0.05, negatives: 256, minEvents: 3, dropout: 0 };

export interface LocalInput {
  history: readonly EventLike[];
  negatives: readonly ItemLike[];
  offerWeights?: readonly number[];
  /** Items the shopper dismissed ("Not interested"): negatives like the offered ones, taken first. */
  dismissed?: readonly ItemLike[];
}

/** The step's change to `names`, flattened in that order; null with too little history. */
export async function localDelta(
  w: Weights,
  cfg: ModelConfig,
  names: readonly string[],
  input: LocalInput,
  opts: LocalUpdateOptions = LOCAL_UPDATE_DEFAULTS,
): Promise<Float32Array | null> {
  return (await localDeltas(w, cfg, names, [input], opts))[0];
}

/** localDelta for several devices from one pass (kernels/client-axis.ts): the same numbers as one call
 *  each, without one pass per device. The deltas are views of one buffer. */
export async function localDeltas(
  w: Weights,
  cfg: ModelConfig,
  names: readonly string[],
  inputs: readonly LocalInput[],
  opts: LocalUpdateOptions = LOCAL_UPDATE_DEFAULTS,
): Promise<(Float32Array | null)[]> {
  for (const n of names) if (!w[n]) throw new Error(`local update: unknown weight "${n}"`);
  const examples = inputs.map((input) => example(input, cfg, opts));
  const ready = examples.flatMap((e, i) => (e ? [i] : []));
  const out: (Float32Array | null)[] = inputs.map(() => null);
  if (ready.length === 0) return out;
  const C = ready.length;
  const probes = probesFor(w, names, C);
  let delta: tf.Tensor;
  try {
    const loss = lossFor(w, cfg, ready.map((i) => examples[i]!), opts, probes);
    delta = tf.tidy(() => {
      // The step is -lr × each client's gradient: the gradient of -lr × the loss.
      const grads = tf.grads(() => tf.mul(loss(), -opts.learningRate) as tf.Scalar)(names.map((n) => probes[n]));
      return tf.concat(grads.map((g) => tf.reshape(g, [C, -1])), 1);
    });
  } finally {
    tf.dispose(Object.values(probes));
  }
  const flat = (await delta.data()) as Float32Array;
  delta.dispose();
  const size = flat.length / C;
  ready.forEach((i, c) => (out[i] = flat.subarray(c * size, (c + 1) * size)));
  return out;
}

function example(input: LocalInput, cfg: ModelConfig, opts: LocalUpdateOptions): ClientExample | null {
  const events = interestHistory(input.history, cfg.maxLen + 1);
  const { items, weights } = withDismissed(input);
  const negatives = items.slice(0, opts.negatives);
  if (events.length < Math.max(2, opts.minEvents) || negatives.length === 0) return null;
  return { events, negatives, offerWeights: weights?.slice(0, negatives.length) };
}

/** The dismissed items first (newest first, each once), then the offered ones not among them. A
 *  dismissed item weighs as an average offered one in the sampling correction. */
function withDismissed(input: LocalInput): { items: readonly ItemLike[]; weights?: readonly number[] } {
  const dismissed = [...(input.dismissed ?? [])].reverse().filter((d, i, all) => all.findIndex((x) => x.item_id === d.item_id) === i);
  if (!dismissed.length) return { items: input.negatives, weights: input.offerWeights };
  const gone = new Set(dismissed.map((d) => d.item_id));
  const kept = input.negatives.map((item, i) => ({ item, w: input.offerWeights?.[i] })).filter((x) => !gone.has(x.item.item_id));
  const known = input.offerWeights && input.offerWeights.length >= input.negatives.length;
  const mean = known && kept.length ? kept.reduce((a, x) => a + (x.w ?? 0), 0) / kept.length : 1;
  return {
    items: [...dismissed, ...kept.map((x) => x.item)],
    weights: known ? [...dismissed.map(() => mean), ...kept.map((x) => x.w!)] : undefined,
  };
}

function lossFor(w: Weights, cfg: ModelConfig, clients: ClientExample[], opts: LocalUpdateOptions, probes: Probes) {
  const a = clientArrays(clients, cfg);
  const C = clients.length;
  const L = a.inputs.length;
  const N = a.negativesPerClient;
  return () =>
    clientsLoss(w, cfg, {
      inputs: batchTensors(a.inputs, cfg),
      targets: itemTensors(a.targets, cfg),
      slotWeights: tf.tensor2d(a.slotWeights, [C, L]),
      negatives: itemTensors(a.negatives, cfg),
      collisions: tf.tensor3d(a.collisions, [C, L, N]),
      negativeLogQ: tf.tensor2d(a.logQ, [C, N]),
    }, opts.dropout, probes);
}
