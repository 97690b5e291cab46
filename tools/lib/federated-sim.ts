// Federated learning, simulated in-process with the production code: each client runs the
// widget's local update (src/model/local-update.ts) and its clipping and fixed-point encoding
// (src/sync/encode.ts); the server side decodes (server/fl/fixed-point.ts), aggregates with
// clipping and Gaussian noise (server/fl/aggregate.ts) and accounts privacy (server/fl/accountant.ts).
// Clients are spread over worker threads, one per core.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { LOCAL_UPDATE_DEFAULTS, localDelta, type LocalUpdateOptions } from '../../src/model/local-update';
import type { ModelConfig } from '../../src/model/config';
import { clipToNorm, encodeFixed } from '../../src/sync/encode';
import type { Weights } from '../../src/model/weights';
import { decodeUpdate, scaleFor } from '../../server/fl/fixed-point';
import { Aggregator } from '../../server/fl/aggregate';
import { MIN_COHORT } from '../../server/fl/config';
import { SERVER_OPTIMIZER_DEFAULTS, flatten, roundRate, serverStep, type ServerOptimizerOptions, type ServerOptimizerState } from '../../server/fl/server-optimizer';
import { cryptoUniform } from '../../server/fl/noise';
import { rng } from './random';
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
  /** Weights the rounds train (empty: all). */
  weights: string[];
  seed: number;
  threads: number;
  log: (line: string) => void;
}

// The README's figures: K = 2048 at z = 0.85, as many rounds as ε = 8 allows up to 120 (58 on
// Beauty's 22,363 clients). The privacy noise, not the number of rounds, limits federation here:
// halving the noise on the mean at K = 768 lifted NDCG@10 at round 58 from 0.0230-0.0240 to 0.0252,
// and rounds past 58 added little (0.0254 at round 116). A larger cohort divides the noise by more
// updates for barely more z (the accountant is sublinear in q at these z): 2048 × 58 has half the
// noise on the mean of 768 × 116 for a third more client updates (README, "What federation costs").
export const SIM_DEFAULTS: Omit<SimOptions, 'log' | 'weights'> = {
  rounds: 120,
  cohort: 2048,
  clipNorm: 0.3,
  noiseMultiplier: 0.85,
  server: SERVER_OPTIMIZER_DEFAULTS,
  local: LOCAL_UPDATE_DEFAULTS,
  seed: 1,
  threads: Math.min(2, availableParallelism()),
};

/** What a client knows: its own events and the items it was offered. */
export interface ClientData {
  history: Case['history'];
}

/** The job one worker thread runs: a share of a round's clients. */
export interface ClientJob {
  round: number;
  clients: number[];
  /** Current global values of the trained weights, in `names` order. */
  values: Float32Array[];
}

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
      const cohort = sampleCohort(clientCount, opts.cohort, random);
      const values = await Promise.all(names.map(async (n) => (await global[n].data()) as Float32Array));
      const shares = workers.map((_, i) => cohort.filter((_, j) => j % workers.length === i));
      const acc = new Aggregator(length, { clipNorm: opts.clipNorm, noiseMultiplier: opts.noiseMultiplier, cohort: MIN_COHORT, uniform });
      const scale = scaleFor(opts.clipNorm);
      // The server decodes and adds each upload as it arrives.
      await Promise.all(
        workers.map((w, i) =>
          runJob(w, { round, clients: shares[i], values }, (e) => acc.add(decodeUpdate(new Uint8Array(e.buffer, e.byteOffset, e.byteLength), length, scale) as Float32Array)),
        ),
      );
      const received = acc.count;
      if (received >= MIN_COHORT) {
        const flat = flatten(values);
        state = serverStep(flat, acc.finish(), state, { ...opts.server, learningRate: roundRate(opts.server.learningRate, round, opts.rounds, opts.server.finalRate) });
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

/** K distinct clients, uniformly (the accountant's sampling rate is K / clients). */
function sampleCohort(n: number, k: number, random: () => number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(k, n)) picked.add(Math.floor(random() * n));
  return [...picked];
}

function assign(w: Weights, names: string[], flat: Float32Array): void {
  let offset = 0;
  for (const n of names) {
    const v = w[n];
    const next = tf.tensor(flat.subarray(offset, offset + v.size), v.shape);
    v.assign(next);
    next.dispose();
    offset += v.size;
  }
}

/** Sends a job to a worker thread; its clients' uploads stream back one message each. */
function runJob(worker: Worker, job: ClientJob, onUpload: (u: Int16Array) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { upload?: Int16Array; done?: boolean; error?: string }) => {
      if (msg.upload) return onUpload(msg.upload);
      worker.off('message', onMessage);
      worker.off('error', reject);
      if (msg.error) reject(new Error(msg.error));
      else resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(job);
  });
}

/** The client side, in a worker thread: local update, clip, encode — exactly what a device does. */
export function clientSide(
  w: Weights,
  cfg: ModelConfig,
  names: string[],
  ds: Dataset,
  clients: readonly Case[],
  popularity: Float64Array,
  opts: Pick<SimOptions, 'clipNorm' | 'local' | 'seed'>,
) {
  const pool: Pool = aliasPool(Array.from(ds.items.keys()), popularity);
  return async (job: ClientJob, upload: (u: Int16Array) => void): Promise<void> => {
    names.forEach((n, i) => {
      const t = tf.tensor(job.values[i], w[n].shape);
      w[n].assign(t);
      t.dispose();
    });
    for (const c of job.clients) {
      const client = clients[c];
      const random = rng(caseSeed(opts.seed + job.round, client.userId));
      // The device's negatives: items it was offered (popular ones), none it interacted with.
      const seen = new Set(Array.from(client.history.items));
      const offered = drawPopular(pool, opts.local.negatives, seen, random);
      const delta = await localDelta(w, cfg, names, {
        history: historyEvents(ds, client.history),
        negatives: offered.map((i) => ds.items[i]),
        offerWeights: offered.map((i) => popularity[i]),
      }, opts.local);
      if (!delta) continue;
      clipToNorm(delta, opts.clipNorm);
      upload(encodeFixed(delta, scaleFor(opts.clipNorm)));
    }
  };
}

