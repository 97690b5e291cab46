// Federated learning, simulated in-process with the production code: each client runs the
// widget's local update (src/model/train/local-update.ts), clipping and fixed-point encoding
// (src/privacy/fixed-point.ts). Then, by aggregation mode:
//  - central: one server decodes, aggregates with clipping and Gaussian noise
//    (src/privacy/aggregate.ts);
//  - two-aggregator: each device's report is secret-shared and sealed, and a leader and a helper
//    each sum their shares and add their own discrete Gaussian noise (secagg-sim.ts).
// Clients are spread over worker threads, one per core; each thread sums its own clients' uploads
// (or both aggregators' shares of them), and the noise is added once to the merged sums.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { LOCAL_UPDATE_DEFAULTS, localDeltas, type LocalInput, type LocalUpdateOptions } from '../../src/model/train/local-update';
import type { ModelConfig } from '../../src/model/plain/config';
import { decodeUpdate, encodeClipped, scaleFor } from '../../src/privacy/fixed-point';
import type { Weights } from '../../src/model/weights';
import { Aggregator, ClippedSum, MIN_COHORT, type PartialSum } from '../../src/privacy/aggregate';
import { generateKeyPair } from '../../src/privacy/secagg/hpke';
import type { Width } from '../../src/privacy/secagg/ring';
import { SERVER_OPTIMIZER_DEFAULTS, flatten, scheduledStep, type ServerOptimizerOptions, type ServerOptimizerState } from '../../src/privacy/server-optimizer';
import { cryptoUniform } from '../../src/privacy/noise';
import { rng } from '../../src/shared/random';
import type { Dataset } from './dataset';
import { historyEvents } from './eval-context';
import type { Case } from './split';
import { aliasPool, caseSeed, drawPopular, type Pool } from './rerank';
import { deviceUpdate, simulationRing, SimulatedAggregators, TwoAggregatorRound, type SecAggRound, type SharePair } from './secagg-sim';

export const AGGREGATIONS = ['central', 'two-aggregator'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface SimOptions {
  aggregation: Aggregation;
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

// Each client in a round with probability q = 0.2, as many rounds as ε allows up to 120 (ε depends
// on q, z and the rounds alone, so every dataset gets the same ε from these defaults). z = 1.22 is
// the least noise at which 60 rounds fit in ε = 8 by the accountant's PLD bound (RDP allowed 60
// only at z = 1.3). The noise on the mean, zC/K, is what limits federation, and for a given ε it
// falls as the cohort grows; q = 0.2 is where a larger cohort stopped paying for its time.
// Two-aggregator mode: each aggregator adds z·C, so the mean carries √2 times the noise the
// accountant charges for (docs/experiments.md).
export const RECIPES: Record<Aggregation, { sampleRate: number; noiseMultiplier: number }> = {
  central: { sampleRate: 0.2, noiseMultiplier: 1.22 },
  'two-aggregator': { sampleRate: 0.2, noiseMultiplier: 1.22 },
};

export const SIM_DEFAULTS: Omit<SimOptions, 'log' | 'cohort' | 'noiseMultiplier' | 'aggregation'> = {
  rounds: 120,
  clipNorm: 0.3,
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
  /** In two-aggregator mode: the round's ring and the helper's keys. */
  secagg?: SecAggRound;
}

/** What a worker thread sends back for a job: the clipped sum of its clients' decoded uploads
 *  (central), or the leader's and the helper's sums of their shares of them (two-aggregator). */
export type JobResult = PartialSum | SharePair;

/** What became of a round. */
interface RoundLog {
  round: number;
  /** Updates (central) or reports (two-aggregator) the round summed. */
  updates: number;
  seconds: number;
  /** Why the leader published nothing, when its range check refused the round's sum. */
  refused?: string;
}

/** What a simulation ends with: the final global weights and what became of each round. */
export interface SimResult {
  weights: Weights;
  rounds: RoundLog[];
  /** The ring every round's shares were in (two-aggregator mode). */
  ring?: { width: Width; maxReports: number };
}

/** Runs `rounds` of DP federated rounds from `start` (the server optimizer applies each noisy mean).
 *  `onRound` sees each round's weights while the next round's devices run. */
export async function simulateFederated(
  start: Weights,
  names: string[],
  clientCount: number,
  opts: SimOptions,
  spawn: () => Worker,
  onRound?: (round: number, w: Weights) => Promise<void>,
): Promise<SimResult> {
  const global = Object.fromEntries(Object.entries(start).map(([n, v]) => [n, tf.variable(v, true)])) as Weights;
  const workers = Array.from({ length: opts.threads }, spawn);
  const random = rng(opts.seed);
  const length = names.reduce((n, name) => n + global[name].size, 0);
  const servers = await roundServers(opts, length, clientCount);
  const logs: RoundLog[] = [];
  let state: ServerOptimizerState | null = null;
  let previous: (() => Promise<void>) | undefined;
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const started = Date.now();
      const cohort = poissonCohort(clientCount, opts.cohort / clientCount, random);
      const values = await Promise.all(names.map(async (n) => (await global[n].data()) as Float32Array));
      const shares = workers.map((_, i) => cohort.filter((_, j) => j % workers.length === i));
      const server = servers.open(round, cohort.length);
      const jobs = Promise.all(workers.map((w, i) => runJob(w, { round, clients: shares[i], values, secagg: server.secagg }).then((part) => server.merge(part))));
      // Its failure is thrown where it is awaited, not reported as unhandled meanwhile.
      jobs.catch(() => {});
      server.prepare?.();
      // The last round's callback runs here while the devices train in their threads: the global
      // weights stay that round's until this round's jobs are done.
      await previous?.();
      await jobs;
      const log: RoundLog = { round, updates: server.count, seconds: 0 };
      if (server.count >= MIN_COHORT) {
        const release = server.finish();
        if ('mean' in release) {
          const flat = flatten(values);
          state = scheduledStep(flat, release.mean, state, opts.server, round, opts.rounds);
          assign(global, names, flat);
        } else log.refused = release.refused;
      }
      log.seconds = (Date.now() - started) / 1000;
      logs.push(log);
      opts.log(`round ${round}/${opts.rounds}: ${log.updates} ${servers.ring ? 'reports' : 'updates'}, ${log.seconds.toFixed(1)}s${log.refused ? `; refused: ${log.refused}` : ''}`);
      previous = onRound && (() => onRound(round, global));
    }
    await previous?.();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { weights: global, rounds: logs, ring: servers.ring };
}

/** A round's server side: it merges the threads' parts, then releases the noisy mean or refuses. */
interface RoundServer {
  readonly count: number;
  /** What the threads need to play this round's reports (two-aggregator mode). */
  readonly secagg?: SecAggRound;
  merge(part: JobResult): void;
  /** Work that does not wait for the devices (the aggregators' noise), done while they run. */
  prepare?(): void;
  finish(): { mean: Float32Array } | { refused: string };
}

/** The server side of every round, by aggregation mode. The mean is divided by the expected cohort,
 *  not by how many came: the accountant's guarantee is for Poisson-sampled rounds, whose size
 *  depends on who took part. */
async function roundServers(opts: SimOptions, length: number, clientCount: number) {
  const { clipNorm, noiseMultiplier, cohort: denominator } = opts;
  if (opts.aggregation === 'central') {
    const uniform = cryptoUniform();
    const open = (): RoundServer => {
      const acc = new Aggregator(length, { clipNorm, noiseMultiplier, cohort: MIN_COHORT, uniform, denominator });
      return { get count() { return acc.count; }, merge: (part) => acc.merge(part as PartialSum), finish: () => ({ mean: acc.finish() }) };
    };
    return { open, ring: undefined };
  }
  const helperKeys = await generateKeyPair(1);
  const ring = simulationRing(clientCount, denominator / clientCount, noiseMultiplier);
  const scale = scaleFor(clipNorm);
  const open = (round: number, cohort: number): RoundServer => {
    // The leader never accepts more reports than the ring holds with the noise.
    if (cohort > ring.maxReports) throw new Error(`round ${round}: ${cohort} devices sampled, the ${ring.width}-bit ring holds ${ring.maxReports} reports`);
    const sums = new TwoAggregatorRound(length, ring.width);
    return {
      get count() { return sums.count; },
      secagg: { round, modelVersion: `simulated-${round}`, width: ring.width, helperKeys },
      merge: (part) => sums.merge(part as SharePair),
      prepare: () => sums.drawNoise({ noiseMultiplier }),
      finish: () => {
        const release = sums.finish({ noiseMultiplier, denominator, scale });
        return release.ok ? { mean: release.mean } : { refused: release.reason };
      },
    };
  };
  return { open, ring };
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

/** Sends a job to a worker thread; resolves with its clients' clipped sum. A thread that has ended,
 *  or ends before it answers, fails the job: the other threads would keep the run waiting for ever. */
function runJob(worker: Worker, job: ClientJob): Promise<JobResult> {
  if (worker.threadId === -1) return Promise.reject(new Error(`round ${job.round}: a device thread had ended before its job`));
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => done(new Error(`round ${job.round}: a device thread ended (${code}) without its result`));
    const done = (err: Error | null, result?: JobResult) => {
      worker.off('message', onMessage).off('error', done).off('exit', onExit);
      if (err) reject(err);
      else resolve(result!);
    };
    const onMessage = (msg: { result?: JobResult; error?: string }) =>
      done(msg.result ? null : new Error(msg.error ?? 'a worker answered without a result'), msg.result);
    worker.on('message', onMessage).once('error', done).once('exit', onExit);
    worker.postMessage(job);
  });
}

// Devices per pass: a pass's probes take (devices × federated values) floats, and small passes
// run faster per device than large ones, which are bound by memory traffic (docs/experiments.md).
const PASS_VALUES = 1_500_000;

/** The client side, in a worker thread: for each client, what a device does (local update, clip,
 *  encode; in two-aggregator mode, share and seal too), then what the server does with the upload
 *  (central: decode, re-clip, add; two-aggregator: each aggregator adds its share). Clients of
 *  similar history length share a pass (localDeltas), so short histories are not padded to long
 *  ones. A pass's reports are built and summed while the next pass trains: their cryptography
 *  waits on the platform's thread pool, and the training keeps the core busy meanwhile. */
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
    const uploads = job.secagg ? sharedUploads(length, job.secagg, opts.clipNorm, scale) : plainUploads(length, opts.clipNorm, scale);
    let pending: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < order.length; i += chunk) {
      const deltas = await localDeltas(w, cfg, names, order.slice(i, i + chunk).map((j) => inputs[j]), opts.local);
      // One pass in flight at most: a report holds several copies of the update.
      await pending;
      pending = Promise.all(deltas.map((delta) => delta && uploads.add(delta)));
      // Its failure is thrown where it is awaited, not reported as unhandled meanwhile.
      pending.catch(() => {});
    }
    await pending;
    return uploads.result();
  };
}

/** Where a thread's uploads go, by aggregation mode. */
interface Uploads {
  add(delta: Float32Array): void | Promise<void>;
  result(): JobResult;
}

/** Central mode: the device clips to C and encodes; the server decodes, re-clips and adds. */
function plainUploads(length: number, clipNorm: number, scale: number): Uploads {
  const sum = new ClippedSum(length, clipNorm);
  return {
    add(delta) {
      const upload = encodeClipped(delta, clipNorm, scale);
      const decoded = decodeUpdate(new Uint8Array(upload.buffer, upload.byteOffset, upload.byteLength), length, scale);
      if (typeof decoded === 'string') throw new Error(`simulated upload refused: ${decoded}`);
      sum.add(decoded);
    },
    result: () => sum,
  };
}

/** Two-aggregator mode: the device clips, encodes and builds its report; the leader and the helper
 *  each add their share of it. */
function sharedUploads(length: number, round: SecAggRound, clipNorm: number, scale: number): Uploads {
  const aggregators = new SimulatedAggregators(length, round);
  return {
    add: (delta) => aggregators.add(deviceUpdate(delta, clipNorm, scale)),
    result: () => aggregators.result(),
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
