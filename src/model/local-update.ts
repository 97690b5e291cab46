// A device's contribution to federated learning: a few steps of the global training objective on
// the shopper's own history, applied to copies of the federated (shared) weights only, returned
// as the difference from the global model. Personal parameters play no part, and nothing but
// this difference is ever used outside the device.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config';
import { EVENT_TYPES, encodeItems, interestHistory, pickCodes, type EventLike, type ItemLike } from './features';
import { makeTrainArrays } from './train-batch';
import { batchTensors, itemTensors } from './network';
import { collisionMask, nextItemLoss } from './objective';
import { offerLogQ } from './sampling';
import type { Weights } from './weights';

export interface LocalUpdateOptions {
  steps: number;
  learningRate: number;
  /** Offered-but-not-picked items used as negatives. */
  negatives: number;
  /** Interest events needed to contribute. */
  minEvents: number;
  /** Dropout during local training, as in central training (the global model was trained with it). */
  dropout: number;
}

// One step (FedSGD): the server's Adam normalises each weight's step, so a device only needs to
// give the direction, and one step is the least work for a shopper's device. Three interest events
// (two next-item targets) are enough: on Beauty a third of the shoppers have no more, and a round
// whose sampled devices all contribute divides the same noise by more updates.
export const LOCAL_UPDATE_DEFAULTS: LocalUpdateOptions = { steps: 1, learningRate: 0.05, negatives: 64, minEvents: 3, dropout: 0 };

export interface LocalInput {
  history: readonly EventLike[];
  negatives: readonly ItemLike[];
  offerWeights?: readonly number[];
}

/** Trained minus global values of `names`, flattened in that order; null with too little history. */
export async function localDelta(
  w: Weights,
  cfg: ModelConfig,
  names: readonly string[],
  input: LocalInput,
  opts: LocalUpdateOptions = LOCAL_UPDATE_DEFAULTS,
): Promise<Float32Array | null> {
  const events = interestHistory(input.history, cfg.maxLen + 1);
  const negatives = input.negatives.slice(0, opts.negatives);
  if (events.length < Math.max(2, opts.minEvents) || negatives.length === 0) return null;
  for (const n of names) if (!w[n]) throw new Error(`local update: unknown weight "${n}"`);
  const local: Weights = { ...w };
  const copies = names.map((n) => (local[n] = tf.variable(w[n], true)));
  const optimizer = tf.train.sgd(opts.learningRate);
  const loss = lossFor(local, cfg, events, negatives, input.offerWeights, opts.dropout);
  try {
    for (let s = 0; s < opts.steps; s++) tf.dispose(optimizer.minimize(loss, true, copies) ?? []);
    const delta = tf.tidy(() => tf.concat(names.map((n, i) => tf.reshape(tf.sub(copies[i], w[n]), [-1]))));
    const out = (await delta.data()) as Float32Array;
    delta.dispose();
    return out;
  } finally {
    tf.dispose(copies);
    optimizer.dispose();
  }
}

function lossFor(w: Weights, cfg: ModelConfig, events: EventLike[], negatives: readonly ItemLike[], offerWeights: readonly number[] | undefined, dropout: number) {
  const codes = encodeItems([...events, ...negatives], cfg);
  const seq = { items: events.map((_, i) => i), types: events.map((e) => EVENT_TYPES[e.type] ?? 0) };
  const arrays = makeTrainArrays([seq], codes, cfg);
  // Identity for the collision mask: the same item id is the same item.
  const key = new Map<string, number>();
  const idKey = (id: string) => key.get(id) ?? (key.set(id, key.size), key.size - 1);
  const targetKeys = Array.from(arrays.targets, (t) => idKey(events[t].item_id));
  const negativeKeys = negatives.map((n) => idKey(n.item_id));
  const negRows = negatives.map((_, j) => events.length + j);
  const pick = (rows: ArrayLike<number>) => pickCodes(codes, rows, cfg);
  const logQ = offerLogQ(offerWeights, negatives.length);
  return () =>
    nextItemLoss(w, cfg, {
      inputs: batchTensors(arrays.inputs, cfg),
      slots: tf.tensor1d(arrays.slots, 'int32'),
      targets: itemTensors(pick(arrays.targets), cfg),
      negatives: itemTensors(pick(negRows), cfg),
      collisions: tf.tensor2d(collisionMask(targetKeys, negativeKeys), [targetKeys.length, negativeKeys.length]),
      negativeLogQ: tf.tensor1d(logQ),
    }, dropout);
}
