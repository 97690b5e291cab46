// Federated learning, simulated in-process with the production code: each client runs the
// widget's local update (src/model/train/local-update.ts), clipping and fixed-point encoding
// (src/privacy/fixed-point.ts); the server side decodes, aggregates with clipping and Gaussian
// noise (src/privacy/aggregate.ts) and accounts privacy (src/privacy/accountant.ts).
// Clients are spread over worker threads, one per core; each thread decodes and sums its own
// clients' uploads, and the round's noise is added once to the sum of the threads' sums.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { LOCAL_UPDATE_DEFAULTS, localDeltas, type LocalInput, type LocalUpdateOptions } from '../../src/model/train/local-update';
import type { ModelConfig } from '../../src/model/plain/config';
import { clipToNorm, decodeUpdate, encodeFixed, scaleFor } from '../../src/privacy/fixed-point';
import type { Weights } from '../../src/model/weights';
import { Aggregator, ClippedSum, MIN_COHORT, type PartialSum } from '../../src/privacy/aggregate';
import { SERVER_OPTIMIZER_DEFAULTS, flatten, scheduledStep, type ServerOptimizerOptions, type ServerOptimizerState } from '../../src/privacy/server-optimizer';
import { cryptoUniform } from '../../src/privacy/noise';
import { rng } from '../../src/shared/random';
import type { Dataset } from './dataset';
import { historyEvents } from './eval-context';
import type { Case } from './split';
import { aliasPool, caseSeed, drawPopular, type Pool } from './rerank';

export interface SimOptions {
  rounds: number;
  cohort: number;
  clipNorm: number;
  noiseMultiplier: number;
  /** The server step; its learning rate is the peak of the cosine decay over the rounds. */
  server: ServerOptimizerOptions;
  local: LocalUpdateOptions;
  seed: number;
  threads: number;
  log: (line: string) => void;
}

// Each client in a round with probability q = 0.2 at z = 1.3, as many rounds as ε allows up to 120
// (ε depends on q, z and the rounds alone, so every dataset gets the same ε from these defaults).
// The noise on the mean, zC/K, is what limits federation, and for a given ε it falls as the cohort
// grows; q = 0.2 is where a larger cohort stopped paying for its time (docs/experiments.md).
export const SAMPLE_RATE = 0.2;
export const SIM_DEFAULTS: Omit<SimOptions, 'log' | 'cohort'> = {
  rounds: 120,
  clipNorm: 0.3,
  noiseMultiplier: 1.3,
  server: SERVER_OPTIMIZER_DEFAULTS,
  local: LOCAL_UPDATE_DEFAULTS,
  seed: 1,
  threads: Math.min(2, availableParallelism()),
};

/** The job one worker thread runs: a share of a round's clients. */
export interface ClientJob {
  round: number;
  clients: number[];
  /** Current global values of the trained weights, in `names` order. */
  values: Float32Array[];
}

/** What a worker thread sends back for a job: the clipped sum of its clients' decoded uploads. */
export type JobResult = PartialSum;

/** Runs `rounds` of DP federated rounds from `start` (the server optimizer applies each noisy mean), returning the final global weights. */
export async function simulateFederated(
  start: Weights,
  names: string[],
  clientCount: number,
  opts: SimOptions,
  spawn: () => Worker,
  onRound?: (round: number, w: Weights) => Promise<void>,
): Promise<Weights> {
  const global = Object.fromEntries(Object.entries(start).map(([n, v]) => [n, tf.variable(v, true)])) as Weights;
  const workers = Array.from({ length: opts.threads }, spawn);
  const uniform = cryptoUniform();
  const random = rng(opts.seed);
  const length = names.reduce((n, name) => n + global[name].size, 0);
  let state: ServerOptimizerState | null = null;
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const started = Date.now();
      const cohort = poissonCohort(clientCount, opts.cohort / clientCount, random);
      const values = await Promise.all(names.map(async (n) => (await global[n].data()) as Float32Array));
      const shares = workers.map((_, i) => cohort.filter((_, j) => j % workers.length === i));
      // Divided by the expected cohort, not by how many came: the accountant's guarantee is for
      // Poisson-sampled rounds, whose size depends on who took part.
      const acc = new Aggregator(length, { clipNorm: opts.clipNorm, noiseMultiplier: opts.noiseMultiplier, cohort: MIN_COHORT, uniform, denominator: opts.cohort });
      await Promise.all(workers.map((w, i) => runJob(w, { round, clients: shares[i], values }).then((part) => acc.merge(part))));
      const received = acc.count;
      if (received >= MIN_COHORT) {
        const flat = flatten(values);
        state = scheduledStep(flat, acc.finish(), state, opts.server, round, opts.rounds);
        assign(global, names, flat);
      }
      opts.log(`round ${round}/${opts.rounds}: ${received} updates, ${((Date.now() - started) / 1000).toFixed(1)}s`);
      await onRound?.(round, global);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return global;
}

/** Each of n clients independently with probability q: the Poisson sampling that the accountant's
 *  sampled Gaussian mechanism assumes (a fixed-size cohort is not covered by its bound). */
export function poissonCohort(n: number, q: number, random: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (random() < q) out.push(i);
  return out;
}

/** Sets the weights `names` to `flat`'s values, in that order. */
function assign(w: Weights, names: readonly string[], flat: Float32Array): void {
  let offset = 0;
  for (const n of names) {
    const v = w[n];
    const next = tf.tensor(flat.subarray(offset, offset + v.size), v.shape);
    v.assign(next);
    next.dispose();
    offset += v.size;
  }
}

/** Sends a job to a worker thread; resolves with its clients' clipped sum. */
function runJob(worker: Worker, job: ClientJob): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { result?: JobResult; error?: string }) => {
      worker.off('message', onMessage);
      worker.off('error', reject);
      if (msg.result) resolve(msg.result);
      else reject(new Error(msg.error ?? 'a worker answered without a result'));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(job);
  });
}

// Devices per pass: a pass's probes take (devices × federated values) floats, and small passes
// run faster per device than large ones, which are bound by memory traffic (docs/experiments.md).
const PASS_VALUES = 1_500_000;

/** The client side, in a worker thread: for each client, what a device does (local update, clip,
 *  encode), then what the server does with the upload (decode, re-clip, add). Clients of similar
 *  history length share a pass (localDeltas), so short histories are not padded to long ones. */
export function clientSide(
  w: Weights,
  cfg: ModelConfig,
  names: string[],
  ds: Dataset,
  clients: readonly Case[],
  popularity: Float64Array,
  opts: Pick<SimOptions, 'clipNorm' | 'local' | 'seed'>,
  perPass?: number,
) {
  const pool: Pool = aliasPool(Array.from(ds.items.keys()), popularity);
  const length = names.reduce((n, name) => n + w[name].size, 0);
  const chunk = perPass ?? Math.max(1, Math.floor(PASS_VALUES / length));
  const scale = scaleFor(opts.clipNorm);
  return async (job: ClientJob): Promise<JobResult> => {
    assign(w, names, flatten(job.values));
    const inputs = job.clients.map((c) => deviceInput(ds, clients[c], pool, popularity, opts, job.round));
    const order = inputs.map((_, i) => i).sort((a, b) => Math.min(inputs[a].history.length, cfg.maxLen + 1) - Math.min(inputs[b].history.length, cfg.maxLen + 1));
    const sum = new ClippedSum(length, opts.clipNorm);
    for (let i = 0; i < order.length; i += chunk) {
      const deltas = await localDeltas(w, cfg, names, order.slice(i, i + chunk).map((j) => inputs[j]), opts.local);
      for (const delta of deltas) {
        if (!delta) continue;
        clipToNorm(delta, opts.clipNorm);
        const upload = encodeFixed(delta, scale);
        const decoded = decodeUpdate(new Uint8Array(upload.buffer, upload.byteOffset, upload.byteLength), length, scale);
        if (typeof decoded === 'string') throw new Error(`simulated upload refused: ${decoded}`);
        sum.add(decoded);
      }
    }
    return sum;
  };
}

/** What a device knows: its own events, and the items it was offered (popular ones), none of
 *  which it interacted with, as its negatives. */
export function deviceInput(ds: Dataset, client: Case, pool: Pool, popularity: Float64Array, opts: Pick<SimOptions, 'local' | 'seed'>, round: number): LocalInput {
  const random = rng(caseSeed(opts.seed + round, client.userId));
  const offered = drawPopular(pool, opts.local.negatives, new Set(Array.from(client.history.items)), random);
  return {
    history: historyEvents(ds, client.history),
    negatives: offered.map((i) => ds.items[i]),
    offerWeights: offered.map((i) => popularity[i]),
  };
}
