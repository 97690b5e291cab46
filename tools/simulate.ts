// npm run simulate -- --data <dir> --json <out.json> [options]   (--help lists them)
// Measures what federated learning with differential privacy costs against central training on
// the same data from the same starting point. The starting point is a model trained centrally on
// a share of users who volunteered their data (--public-share); then every user is a client. Each
// model is measured alone and with the co-occurrence prior the merchant would ship beside it.
import * as tf from '@tensorflow/tfjs-core';
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from './lib/backend';
import { loadDataset } from './lib/dataset';
import { leaveLastOut } from './lib/split';
import { catalogCodes } from './lib/catalog-tensors';
import { numberFlag, parseFlags, positiveInt, stringFlag } from './lib/args';
import { configFor } from './lib/presets';
import { TRAIN_DEFAULTS, trainModel, validationNdcg, validationSet, type TrainOptions, type Validator } from './lib/trainer';
import { readArtifact, writeArtifact } from './lib/artifact-io';
import { rankFull, type RankOptions } from './lib/full-rank';
import { summarize, type Metrics } from './lib/metrics';
import { isHeldOut } from './lib/holdout';
import { popularityCounts } from './lib/baselines';
import { stealMeter } from './lib/cpu-steal';
import { catalogCoPrior, CO_DEFAULTS, fitCoOccurrence } from './lib/co-occurrence';
import { AGGREGATIONS, clientSide, RECIPES, simulateFederated, SIM_DEFAULTS, type Aggregation, type ClientJob, type JobResult, type SimOptions } from './lib/federated-sim';
import { maxRounds, epsilonAfter } from '../src/privacy/accountant';
import { weightsFromArrays, weightsToArrays } from '../src/model/tensors';
import { weightSpecs } from '../src/model/weights';
import { federatedNames } from '../src/model/plain/federated-weights';
import type { NamedArray } from '../src/model/plain/artifact';
import type { ModelConfig } from '../src/model/plain/config';
import type { ItemCodes } from '../src/model/plain/features';
import type { Sequence } from '../src/model/plain/batch';
import type { Weights } from '../src/model/weights';
import type { Case, Split } from './lib/split';
import type { Dataset } from './lib/dataset';

const USAGE = `usage: npm run simulate -- --data <dir> --json <out.json> [options]
  --data <dir>          dataset folder (events.csv, items.csv)
  --json <file>         where the results go
  --aggregation M       two-aggregator (secret-shared reports, each of two servers adds noise z·C;
                        the default) or central (one server sees every update)
  --epsilon E           privacy budget ε, spent against one aggregator's noise (default 8)
  --cohort K            expected clients a round (default: ${RECIPES['two-aggregator'].sampleRate} × clients two-aggregator,
                        ${RECIPES.central.sampleRate} × clients central; Poisson-sampled)
  --noise Z             noise multiplier z (default ${RECIPES['two-aggregator'].noiseMultiplier} two-aggregator, ${RECIPES.central.noiseMultiplier} central)
  --clip C              clip norm C (default ${SIM_DEFAULTS.clipNorm})
  --rounds R            at most R rounds; fewer if ε runs out first (default ${SIM_DEFAULTS.rounds})
  --public-share F      share of users who volunteer their data for the starting model (default 0.2)
  --seed S              seed of the start, the reference, batches and cohorts (default 1)
  --threads N           worker threads for the clients (default ${SIM_DEFAULTS.threads})
  --start-model <dir>   reuse the starting model saved there by an earlier run with the same data, share and seed; saved there otherwise`;
const FLAGS = ['data', 'json', 'aggregation', 'epsilon', 'cohort', 'noise', 'clip', 'rounds', 'public-share', 'seed', 'threads', 'start-model', 'help'];

/** Epochs of the starting model and of the centralized reference. In epochs, not minutes: a time
 *  budget would make the learning-rate schedule, and so the model, depend on how busy the machine was. */
const START_EPOCHS = 30;
/** δ of the (ε, δ) reported: the server's default (FL_DELTA). */
const DELTA = 1e-5;
const CENTRAL_EPOCHS = 16;

/** What a worker thread is started with: a share of the clients, the centralized reference, or
 *  the starting model's validation. */
type WorkerInit = ClientsInit | CentralInit | ValidatorInit;

interface Setup {
  data: string;
  publicShare: number;
  seed: number;
}

interface Common extends Setup {
  /** The start's values of every weight. */
  weights: NamedArray[];
}

interface ValidatorInit extends Setup, Pick<TrainOptions, 'validUsers'> {
  role: 'validator';
}

interface ClientsInit extends Common {
  role: 'clients';
  names: string[];
  sim: Pick<SimOptions, 'clipNorm' | 'local' | 'seed'>;
}

interface CentralInit extends Common {
  role: 'central';
  train: Omit<TrainOptions, 'log'>;
}

/** The centralized reference's trained weights and how its training went. */
type CentralResult = { weights: NamedArray[]; epochs: number; bestEpoch: number };

/** What the central worker sends back: its log lines, then its result (a failure is its 'error' event). */
type CentralMessage = { log: string } | CentralResult;

async function setup(data: string, publicShare: number, seed: number) {
  const ds = await loadDataset(data);
  const split = leaveLastOut(ds.users);
  const volunteer = { fraction: publicShare, seed };
  // Every user the split keeps is a client.
  const clientIdx = split.test.map((_, i) => i);
  const clients = clientIdx.map((i) => split.test[i]);
  // The clients who volunteered their data for the starting model.
  const vol = clientIdx.filter((i) => isHeldOut(split.test[i].userId, volunteer));
  return { ds, split, clients, clientIdx, vol };
}

async function workerMain() {
  await useBackend('wasm');
  const init = workerData as WorkerInit;
  const { ds, split, clientIdx, vol } = await setup(init.data, init.publicShare, init.seed);
  const cfg = configFor(ds.items.length, false, {});
  if (init.role === 'validator') return validatorMain(init, ds, split, vol, cfg);
  const w = weightsFromArrays(weightSpecs(cfg), init.weights);
  if (init.role === 'central') return centralMain(init, ds, split, clientIdx, cfg, w);
  // A client's data is its training history: every event but the validation and test targets.
  const clients = clientIdx.map((i) => ({ ...split.test[i], history: split.train[i] }));
  const run = clientSide(w, cfg, init.names, ds, clients, popularityCounts(ds.items.length, split.train), init.sim);
  parentPort!.on('message', (job: ClientJob) =>
    run(job).then(
      (result) => parentPort!.postMessage({ result }, buffersOf(result)),
      (err) => parentPort!.postMessage({ error: String(err?.stack ?? err) }),
    ),
  );
}

/** A job result's sums, moved to the main thread rather than copied. */
function buffersOf(result: JobResult): ArrayBuffer[] {
  const sums = 'sum' in result ? [result.sum] : [result.leader.sum, result.helper.sum];
  return sums.map((s) => s.buffer as ArrayBuffer);
}

/** The centralized reference, in its own thread: central training is single-threaded, so it
 *  overlaps with the federated rounds instead of leaving a core idle before them. */
async function centralMain(init: CentralInit, ds: Dataset, split: Split, clientIdx: number[], cfg: ModelConfig, start: Weights) {
  const post = (msg: CentralMessage) => parentPort!.postMessage(msg);
  const log = (line: string) => post({ log: line });
  const codes = catalogCodes(ds.items, cfg);
  const central = await trainModel(cfg, codes, clientIdx.map((i) => split.train[i]), clientIdx.map((i) => split.valid[i]), { ...init.train, log }, start);
  post({ weights: await weightsToArrays(central.weights), epochs: central.epochs.length, bestEpoch: central.bestEpoch });
}

/** The starting model's epochs, scored in their own thread on the volunteers' validation users
 *  while the next epoch trains: the start's training is single-threaded and would leave a core idle. */
function validatorMain(init: ValidatorInit, ds: Dataset, split: Split, vol: number[], cfg: ModelConfig) {
  const codes = catalogCodes(ds.items, cfg);
  const validSet = validationSet(vol.map((i) => split.valid[i]), { seed: init.seed, validUsers: init.validUsers });
  parentPort!.on('message', ({ weights }: { weights: NamedArray[] }) => {
    const w = weightsFromArrays(weightSpecs(cfg), weights);
    try {
      parentPort!.postMessage({ ndcg: validationNdcg(w, cfg, codes, validSet) });
    } catch (err) {
      parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
    } finally {
      tf.dispose(Object.values(w));
    }
  });
}

/** Starts the validation thread: its validator answers each snapshot's score, in order. */
function validatorThread(self: string, init: ValidatorInit): { validate: Validator; close: () => Promise<number> } {
  const worker = new Worker(self, { workerData: init });
  const waiting: { resolve: (ndcg: number) => void; reject: (err: Error) => void }[] = [];
  worker.on('message', (msg: { ndcg: number } | { error: string }) => {
    const next = waiting.shift();
    if ('error' in msg) next?.reject(new Error(`start validation: ${msg.error}`));
    else next?.resolve(msg.ndcg);
  });
  // Once the thread has ended, every score asked of it fails: none would ever come.
  let ended: Error | undefined;
  const failAll = (err: Error) => {
    ended ??= err;
    waiting.splice(0).forEach((w) => w.reject(ended!));
  };
  worker.once('error', failAll);
  worker.once('exit', (code) => failAll(new Error(`start validation: the worker exited (${code})`)));
  const validate = async (snapshot: Weights) => {
    const weights = await weightsToArrays(snapshot);
    return new Promise<number>((resolve, reject) => {
      if (ended) return reject(ended);
      waiting.push({ resolve, reject });
      worker.postMessage({ weights });
    });
  };
  return { validate, close: () => worker.terminate() };
}

/** Starts the central worker; resolves with its trained weights. */
function trainCentral(self: string, init: CentralInit, log: (line: string) => void): Promise<CentralResult> {
  const worker = new Worker(self, { workerData: init });
  return new Promise((resolve, reject) => {
    worker.on('message', (msg: CentralMessage) => {
      if ('log' in msg) return log(msg.log);
      void worker.terminate();
      resolve(msg);
    });
    worker.once('error', (err: Error) => reject(new Error(`central training: ${err.message}`)));
    // A worker that ends without its result would otherwise leave the run waiting for ever.
    worker.once('exit', (code) => reject(new Error(`central training: the worker exited (${code}) without a result`)));
  });
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return console.log(USAGE);
  const data = resolve(stringFlag(flags, 'data') ?? fail('--data is required'));
  const jsonPath = resolve(stringFlag(flags, 'json') ?? fail('--json is required'));
  const seed = numberFlag(flags, 'seed', 1, Number.isInteger);
  const publicShare = numberFlag(flags, 'public-share', 0.2, (n) => n > 0 && n < 1);
  const budget = numberFlag(flags, 'epsilon', 8, (n) => n > 0);
  const aggregation = (stringFlag(flags, 'aggregation') ?? 'two-aggregator') as Aggregation;
  if (!AGGREGATIONS.includes(aggregation)) fail(`--aggregation must be one of ${AGGREGATIONS.join(', ')}`);
  const recipe = RECIPES[aggregation];
  const delta = DELTA;
  const started = Date.now();
  const stolen = stealMeter();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  await useBackend('wasm');
  const { ds, split, clients, vol } = await setup(data, publicShare, seed);
  const cfg = configFor(ds.items.length, false, {});
  const codes = catalogCodes(ds.items, cfg);
  const trainOf = (i: number) => split.train[i];
  const validOf = (i: number) => split.valid[i];
  const eval_ = (w: Weights, prior?: RankOptions['prior']) => summarize(rankFull(w, cfg, codes, clients, { prior }).ranks);

  // 1. The starting point: central training on the volunteers' data only.
  log(`${ds.name}: ${clients.length} clients, ${vol.length} of them volunteers for the starting model`);
  const trainOpts = { ...TRAIN_DEFAULTS, seed, log: (l: string) => log(`  ${l}`) };
  const startDir = stringFlag(flags, 'start-model');
  const startOpts: TrainOptions = { ...trainOpts, epochs: START_EPOCHS };
  const startKey = { data: ds.name, publicShare, seed, epochs: startOpts.epochs };
  const start = startDir && existsSync(resolve(startDir, 'model.json'))
    ? await loadStart(resolve(startDir), cfg, startKey)
    : await trainStart(cfg, codes, vol.map(trainOf), vol.map(validOf), startOpts, startDir && resolve(startDir), startKey, { data, publicShare, seed });

  // 2. Centralized: the same start, trained on every client's data — the same weights federation
  //    trains, so the gap is what federation and privacy cost. It trains in a worker thread while
  //    the start is evaluated and the federated rounds run.
  const federated = federatedNames(weightSpecs(cfg), 'dense');
  const startArrays = await weightsToArrays(start);
  const self = fileURLToPath(import.meta.url);
  const common = { data, publicShare, seed, weights: startArrays };
  const { log: _, ...centralOpts } = { ...trainOpts, epochs: CENTRAL_EPOCHS, trainable: federated };
  // What the results need besides the federated model, done one piece a round while the devices
  // train (the rounds' callback) rather than in a single-threaded tail after them.
  const chores: (() => void)[] = [];
  const volunteers = { train: vol.map(trainOf), valid: vol.map(validOf) };
  const withPrior = new PriorFigures(cfg, codes, eval_);
  chores.push(() => withPrior.fit(start, volunteers, seed), () => withPrior.evaluate('start', start));
  let centralMetrics: Metrics | undefined;
  const centralRun = trainCentral(self, { ...common, role: 'central', train: centralOpts }, (l) => log(`  central: ${l.trim()}`)).then((central) => {
    const w = weightsFromArrays(weightSpecs(cfg), central.weights);
    chores.push(() => (centralMetrics = eval_(w)), () => withPrior.evaluate('centralized', w));
    return central;
  });
  const startMetrics = eval_(start);
  log(`start: NDCG@10 ${startMetrics['NDCG@10'].toFixed(4)}`);

  // 3. Federated with DP: every client, K per round, until the rounds or the ε budget run out.
  const cohort = Math.min(numberFlag(flags, 'cohort', Math.round(recipe.sampleRate * clients.length), positiveInt), clients.length);
  const noise = numberFlag(flags, 'noise', recipe.noiseMultiplier, (n) => n > 0);
  const q = cohort / clients.length;
  const allowed = maxRounds(q, noise, delta, budget);
  const rounds = Math.min(numberFlag(flags, 'rounds', SIM_DEFAULTS.rounds, positiveInt), allowed);
  const sim: SimOptions = {
    ...SIM_DEFAULTS,
    aggregation,
    rounds,
    cohort,
    noiseMultiplier: noise,
    clipNorm: numberFlag(flags, 'clip', SIM_DEFAULTS.clipNorm, (n) => n > 0),
    seed,
    threads: numberFlag(flags, 'threads', SIM_DEFAULTS.threads, positiveInt),
    log,
  };
  log(`federated, ${aggregation}: ${rounds} rounds (ε budget allows ${allowed}) of ${cohort} clients, z=${noise}${aggregation === 'central' ? '' : ' per aggregator'}, C=${sim.clipNorm}, ${federated.length} weights`);
  const init: ClientsInit = { ...common, role: 'clients', names: federated, sim: { clipNorm: sim.clipNorm, local: sim.local, seed } };
  const fedRun = simulateFederated(start, federated, clients.length, sim, () => new Worker(self, { workerData: init }), async () => chores.shift()?.());
  const [fed, central] = await Promise.all([fedRun, centralRun]);
  while (chores.length) chores.shift()!();
  const centralized = centralMetrics ?? fail('the centralized model was not evaluated');
  log(`centralized: NDCG@10 ${centralized['NDCG@10'].toFixed(4)}`);
  const fedMetrics = eval_(fed.weights);
  withPrior.evaluate('federated', fed.weights);
  const seconds = fed.rounds.map((r) => r.seconds).sort((a, b) => a - b);
  const eps = epsilonAfter(q, noise, rounds, delta);
  const out = {
    dataset: ds.name,
    federated: fedMetrics,
    centralized,
    start: startMetrics,
    central_epochs: central.epochs,
    central_best_epoch: central.bestEpoch,
    ratio_ndcg10: fedMetrics['NDCG@10'] / centralized['NDCG@10'],
    with_prior: withPrior.result(),
    epsilon: eps,
    delta,
    aggregation,
    // Two aggregators each add noise z·C: the released sum carries √2·z·C, the accountant charges z·C.
    released_noise_multiplier: aggregation === 'central' ? noise : Math.SQRT2 * noise,
    ...(fed.ring ? { ring_width: fed.ring.width, ring_max_reports: fed.ring.maxReports } : {}),
    updates: fed.rounds.reduce((n, r) => n + r.updates, 0),
    refused_rounds: fed.rounds.filter((r) => r.refused).map((r) => ({ round: r.round, reason: r.refused })),
    round_seconds: { median: seconds[seconds.length >> 1] ?? 0, max: seconds[seconds.length - 1] ?? 0, total: seconds.reduce((a, b) => a + b, 0) },
    rounds,
    clients_per_round: cohort,
    sampling: 'poisson',
    sample_rate: q,
    clients: clients.length,
    volunteers: vol.length,
    noise_multiplier: noise,
    clip_norm: sim.clipNorm,
    local: sim.local,
    server: sim.server,
    federated_weights: federated,
    seconds: Math.round((Date.now() - started) / 1000),
    // The share of the machine's CPU time the hypervisor gave elsewhere meanwhile (Linux; else null).
    cpu_steal_share: stolen(),
  };
  writeFileSync(jsonPath, JSON.stringify(out, null, 2) + '\n');
  const row = (m: Metrics) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toFixed(4)]));
  console.table({ start: row(startMetrics), centralized: row(centralized), federated: row(fedMetrics) });
  const priorOut = out.with_prior;
  if (priorOut.models) console.table(Object.fromEntries(Object.entries(priorOut.models).map(([k, m]) => [`${k} + prior`, row(m)])));
  const priorRatio = priorOut.ratio_ndcg10 === undefined ? 'no prior (it gained too little on the volunteers)' : `${(priorOut.ratio_ndcg10 * 100).toFixed(1)}% with the volunteers' prior`;
  console.log(`${aggregation}: federated / centralized NDCG@10 = ${(out.ratio_ndcg10 * 100).toFixed(1)}% (${priorRatio}) at ε = ${eps.toFixed(2)}, δ = ${delta}; ${out.seconds}s; wrote ${jsonPath}`);
}

type PriorModel = 'start' | 'centralized' | 'federated';

/**
 * The figures with a co-occurrence prior, as the merchant ships the model: the table built from the
 * volunteers' training events (the only data the merchant holds in this setting) and its weight
 * chosen on their validation targets with the start, then kept unchanged while federation trains
 * the network (federated rounds never touch the prior). None when the prior gains too little.
 */
class PriorFigures {
  private fitted?: { record: object; prior: RankOptions['prior'] } | null;
  private readonly models: Partial<Record<PriorModel, Metrics>> = {};

  constructor(
    private readonly cfg: ModelConfig,
    private readonly codes: ItemCodes,
    private readonly rank: (w: Weights, prior: RankOptions['prior']) => Metrics,
  ) {}

  fit(start: Weights, volunteers: Pick<Split, 'train' | 'valid'>, seed: number): void {
    const co = fitCoOccurrence(start, this.cfg, this.codes, volunteers, { k: CO_DEFAULTS.k, seed, validUsers: TRAIN_DEFAULTS.validUsers });
    this.fitted = co && { record: co.record, prior: catalogCoPrior(co.table, this.codes, this.cfg.maxLen) };
  }

  evaluate(model: PriorModel, w: Weights): void {
    if (this.fitted === undefined) throw new Error(`the prior is evaluated with the ${model} model before it is fitted`);
    if (this.fitted) this.models[model] = this.rank(w, this.fitted.prior);
  }

  result(): { prior: object | null; models?: Partial<Record<PriorModel, Metrics>>; ratio_ndcg10?: number } {
    if (!this.fitted) return { prior: null };
    const { federated, centralized } = this.models;
    return { prior: this.fitted.record, models: this.models, ratio_ndcg10: federated!['NDCG@10'] / centralized!['NDCG@10'] };
  }
}

type StartKey = { data: string; publicShare: number; seed: number; epochs: number };

async function trainStart(cfg: ModelConfig, codes: ItemCodes, train: Sequence[], valid: Case[], opts: TrainOptions, dir: string | undefined, key: StartKey, setup: Setup): Promise<Weights> {
  const validator = validatorThread(fileURLToPath(import.meta.url), { ...setup, validUsers: opts.validUsers, role: 'validator' });
  const { weights } = await trainModel(cfg, codes, train, valid, opts, undefined, validator.validate).finally(validator.close);
  if (dir) await writeArtifact(dir, cfg, await weightsToArrays(weights), { name: 'fl-start', training: key });
  return weights;
}

async function loadStart(dir: string, cfg: ModelConfig, key: StartKey): Promise<Weights> {
  const { json, weights } = await readArtifact(dir);
  // A start model from other data, another volunteer share or seed would make the comparison meaningless.
  if (JSON.stringify(json.training) !== JSON.stringify(key) || JSON.stringify(json.config) !== JSON.stringify(cfg)) {
    throw new Error(`--start-model ${dir} was made for ${JSON.stringify(json.training)}, not ${JSON.stringify(key)}`);
  }
  return weightsFromArrays(weightSpecs(cfg), weights);
}

function fail(message: string): never {
  throw new Error(`${message}\n${USAGE}`);
}

if (isMainThread) {
  main().catch((err) => {
    console.error(`simulate: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
} else {
  // A thread that cannot start ends with its error (the 'error' event of its Worker) rather than
  // posting it before anyone listens for messages.
  await workerMain();
}
