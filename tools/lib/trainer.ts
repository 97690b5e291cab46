// Central training of the shared model on a dataset's training split, with early stopping on the
// validation targets. The same step function runs on devices (federated client) and here.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../src/model/plain/config';
import type { Sequence } from '../../src/model/plain/batch';
import type { ItemCodes } from '../../src/model/plain/features';
import { makeTrainArrays } from '../../src/model/train/train-batch';
import { batchTensors, itemTensors } from '../../src/model/network';
import { collisionMask, nextItemLoss, type ObjectiveInputs } from '../../src/model/train/objective';
import { CATALOG_TABLES } from '../../src/model/plain/federated-weights';
import { createWeights, weightSpecs, type Weights } from '../../src/model/weights';
import { pickCodes } from './catalog-tensors';
import { mixedNegatives } from './negatives';
import { popularityCounts } from './baselines';
import { rankFull } from './full-rank';
import { summarize } from './metrics';
import { rng, sampleDistinct, shuffle } from '../../src/shared/random';
import { cosineDecay } from '../../src/shared/schedule';
import type { Case } from './split';

export interface TrainOptions {
  epochs: number;
  /** Sequences per step. */
  batchSize: number;
  learningRate: number;
  dropout: number;
  negatives: number;
  seed: number;
  /** Epochs without a better validation NDCG@10 before stopping. */
  patience: number;
  /** Validation users scored each epoch (a fixed random subset keeps epochs fast). */
  validUsers: number;
  /** Stop after this many seconds of training (the best epoch so far is kept). */
  maxSeconds: number;
  /** The learning rate decays along a cosine to this fraction of itself by the last planned epoch. */
  finalLearningRate: number;
  /** Train only these weights (the rest stay as initialised); all when absent. */
  trainable?: string[];
  /** A share of each step's negatives drawn by training popularity (negatives.ts); uniform when absent. */
  popularNegatives?: number;
  log: (line: string) => void;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  epochs: 40,
  batchSize: 128,
  learningRate: 3e-3,
  dropout: 0.3,
  negatives: 1024,
  seed: 1,
  patience: 6,
  validUsers: 5000,
  maxSeconds: Infinity,
  finalLearningRate: 0.1,
  log: (line) => console.log(line),
};

interface EpochLog {
  epoch: number;
  loss: number;
  validNdcg10: number;
  seconds: number;
}

export interface TrainResult {
  weights: Weights;
  epochs: EpochLog[];
  bestEpoch: number;
  seconds: number;
}

/** Scores a snapshot of the weights on the validation users (NDCG@10). One that answers from
 *  another thread lets the next epoch train meanwhile. */
export type Validator = (snapshot: Weights) => Promise<number>;

/** An epoch's score: NDCG@10 of `w` on the validation users. */
export function validationNdcg(w: Weights, cfg: ModelConfig, codes: ItemCodes, validSet: readonly Case[]): number {
  return summarize(rankFull(w, cfg, codes, validSet).ranks)['NDCG@10'];
}

/** The validation users an epoch is scored on: a fixed random subset of `valid`. */
export function validationSet(valid: readonly Case[], opts: Pick<TrainOptions, 'seed' | 'validUsers'>): Case[] {
  return shuffle([...valid], rng(opts.seed + 1)).slice(0, opts.validUsers);
}

/** An epoch trained, its weights kept until its validation score says whether it is the best. */
interface Trained extends Omit<EpochLog, 'validNdcg10'> {
  snapshot: Weights;
  score: Promise<number>;
}

export async function trainModel(
  cfg: ModelConfig,
  codes: ItemCodes,
  train: readonly Sequence[],
  valid: readonly Case[],
  opts: TrainOptions,
  /** Start from these weights (copied) instead of a fresh initialisation. */
  init?: Weights,
  /** Scores epochs in another thread: epoch e is validated while epoch e + 1 trains, and training
   *  ends as it would have, the extra epoch discarded. In this thread, one epoch at a time, without. */
  validator?: Validator,
): Promise<TrainResult> {
  const started = Date.now();
  const random = rng(opts.seed);
  const w = init ? copyWeights(init) : createWeights(weightSpecs(cfg), opts.seed);
  const optimizer = tf.train.adam(opts.learningRate);
  const popular = opts.popularNegatives ? mixedNegatives(popularityCounts(codes.count, train), opts.popularNegatives) : undefined;
  const validSet = validator ? [] : validationSet(valid, opts);
  const score = validator ?? (async (s: Weights) => validationNdcg(s, cfg, codes, validSet));
  const epochs: EpochLog[] = [];
  let best: { ndcg: number; epoch: number; snapshot?: Weights } = { ndcg: -1, epoch: 0 };
  /** Settles an epoch's score; says whether training stops there. */
  const settle = async ({ snapshot, score: pending, ...log }: Trained): Promise<boolean> => {
    const validNdcg10 = await pending;
    epochs.push({ ...log, validNdcg10 });
    opts.log(`epoch ${log.epoch}  loss ${log.loss.toFixed(4)}  valid NDCG@10 ${validNdcg10.toFixed(4)}  ${log.seconds.toFixed(0)}s`);
    if (validNdcg10 > best.ndcg) {
      disposeWeights(best.snapshot);
      best = { ndcg: validNdcg10, epoch: log.epoch, snapshot };
    } else disposeWeights(snapshot);
    return log.epoch - best.epoch >= opts.patience;
  };
  const queue: Trained[] = [];
  let horizon = opts.epochs;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const schedule = (progress: number) => learningRate(opts, (epoch - 1 + progress) / horizon);
    const loss = await runEpoch(w, cfg, codes, train, optimizer, opts, random, schedule, popular);
    const seconds = (Date.now() - started) / 1000;
    // With a time budget, plan the decay over the epochs that fit in it.
    if (Number.isFinite(opts.maxSeconds)) horizon = Math.max(epoch + 1, Math.min(opts.epochs, Math.floor((opts.maxSeconds * epoch) / seconds)));
    const snapshot = snapshotOf(w);
    queue.push({ epoch, loss, seconds, snapshot, score: score(snapshot) });
    if (await settleAll(queue, validator ? 1 : 0, settle)) break;
    if (seconds * (1 + 1 / epoch) > opts.maxSeconds) break;
  }
  await settleAll(queue, 0, settle);
  Object.entries(w).forEach(([name, v]) => v.assign(best.snapshot![name]));
  disposeWeights(best.snapshot);
  optimizer.dispose();
  return { weights: w, epochs, bestEpoch: best.epoch, seconds: (Date.now() - started) / 1000 };
}

/** Settles queued epochs, oldest first, until `keep` remain; when one says stop, the epochs trained
 *  after it are discarded and the answer is true. */
async function settleAll(queue: Trained[], keep: number, settle: (t: Trained) => Promise<boolean>): Promise<boolean> {
  while (queue.length > keep) {
    if (!(await settle(queue.shift()!))) continue;
    for (const rest of queue.splice(0)) {
      // Its score is still awaited: a thread answering late must not answer into the next run.
      await rest.score;
      disposeWeights(rest.snapshot);
    }
    return true;
  }
  return false;
}

function disposeWeights(w: Weights | undefined): void {
  if (w) tf.dispose(Object.values(w));
}

/** The weights' values now, as variables no optimizer trains: `minimize` without a variable list
 *  takes every trainable variable there is. */
function snapshotOf(w: Weights): Weights {
  return Object.fromEntries(Object.entries(w).map(([name, v]) => [name, tf.variable(v, false)]));
}

function copyWeights(w: Weights): Weights {
  return Object.fromEntries(Object.entries(w).map(([name, v]) => [name, tf.variable(v, true)]));
}

/** Batches of similar length, so short histories are not padded to the longest. */
function lengthBatches(train: readonly Sequence[], batchSize: number, maxLen: number, random: () => number): Sequence[][] {
  const length = (s: Sequence) => Math.min(s.items.length - 1, maxLen);
  const seqs = shuffle(train.filter((s) => s.items.length >= 2), random);
  seqs.sort((a, b) => length(a) - length(b));
  const batches: Sequence[][] = [];
  let current: Sequence[] = [];
  for (const s of seqs) {
    if (current.length >= batchSize) {
      batches.push(current);
      current = [];
    }
    current.push(s);
  }
  if (current.length) batches.push(current);
  return shuffle(batches, random);
}

/** Cosine decay from the base rate to finalLearningRate x base at progress 1. */
function learningRate(opts: Pick<TrainOptions, 'learningRate' | 'finalLearningRate'>, progress: number): number {
  return cosineDecay(opts.learningRate, progress, opts.finalLearningRate);
}

async function runEpoch(
  w: Weights,
  cfg: ModelConfig,
  codes: ItemCodes,
  train: readonly Sequence[],
  optimizer: tf.Optimizer,
  opts: TrainOptions,
  random: () => number,
  schedule: (progress: number) => number,
  popular?: ReturnType<typeof mixedNegatives>,
): Promise<number> {
  let total = 0;
  let steps = 0;
  // Training the dense weights alone (the federated reference), the negatives are constants.
  const catalogFixed = !!opts.trainable && !CATALOG_TABLES.some((t) => opts.trainable!.includes(t));
  const batches = lengthBatches(train, opts.batchSize, cfg.maxLen, random);
  for (const batch of batches) {
    (optimizer as unknown as { learningRate: number }).learningRate = schedule(steps / batches.length);
    const drawn = popular?.(opts.negatives, random);
    const negatives = drawn?.ids ?? sampleDistinct(codes.count, opts.negatives, random);
    // Dropout masks from the run's seed too: the same command trains the same model.
    const dropout = { rate: opts.dropout, seed: Math.floor(random() * 2 ** 31) };
    const vars = opts.trainable?.map((n) => w[n]);
    const inputs = () => ({ ...objectiveInputs(batch, codes, cfg, negatives), ...(drawn && { negativeLogQ: tf.tensor1d(drawn.logQ) }) });
    const loss = optimizer.minimize(() => nextItemLoss(w, cfg, inputs(), dropout, undefined, catalogFixed), true, vars);
    total += (await loss!.data())[0];
    loss!.dispose();
    steps++;
  }
  return total / Math.max(1, steps);
}

/** Tensors for one step; created inside minimize's scope so they are freed with it. */
function objectiveInputs(batch: Sequence[], codes: ItemCodes, cfg: ModelConfig, negatives: Int32Array): ObjectiveInputs {
  const arrays = makeTrainArrays(batch, codes, cfg);
  return {
    inputs: batchTensors(arrays.inputs, cfg),
    slots: tf.tensor1d(arrays.slots, 'int32'),
    targets: itemTensors(pickCodes(codes, arrays.targets, cfg), cfg),
    negatives: itemTensors(pickCodes(codes, negatives, cfg), cfg),
    collisions: tf.tensor2d(collisionMask(arrays.targets, negatives), [arrays.targets.length, negatives.length]),
  };
}
