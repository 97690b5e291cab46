// The federated-learning server: rounds, validated uploads, DP aggregation, published models and
// the privacy ledger. Every state change happens inside one store transaction.
import { SERVER_OPTIMIZER_DEFAULTS, decodeState, encodeState, flatten, roundRate, serverStep } from '../../src/privacy/server-optimizer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ModelInfo, RoundInfo, FlStatus, UpdateReceipt } from '../../src/sync/wire';
import { checkModelJson, decodeWeights, encodeWeights, ARTIFACT_FORMAT, type ModelJson } from '../../src/model/plain/artifact';
import { epsilon, maxRounds, rdp } from '../../src/privacy/accountant';
import { federatedNames } from '../../src/model/plain/federated-weights';
import { aggregate } from '../../src/privacy/aggregate';
import { checkFlConfig, type FlConfig } from './config';
import { decodeUpdate, l2norm, scaleFor } from '../../src/privacy/fixed-point';
import { cryptoUniform, type Uniform } from '../../src/privacy/noise';
import type { FlStore, FlTx, ModelRow, RoundRow } from './store';
import { HttpError } from '../send';

/** Stochastic rounding moves each coordinate by less than one step: allow for it in the norm check. */
const roundingSlack = (length: number, scale: number) => Math.sqrt(length) / scale;

export interface UploadInput {
  round: string | undefined;
  model: string | undefined;
  token: string | undefined;
  body: Uint8Array;
}

export interface FlService {
  round(): Promise<RoundInfo>;
  model(): Promise<ModelInfo>;
  modelFile(version: string, file: string): Promise<{ body: Uint8Array | string; type: string } | null>;
  status(): Promise<FlStatus>;
  submit(input: UploadInput): Promise<UpdateReceipt>;
  /** Largest valid upload, in bytes (the HTTP layer refuses bigger bodies before reading them). */
  maxUploadBytes(): Promise<number>;
  reject(): Promise<void>;
}

interface Options {
  cfg: FlConfig;
  store: FlStore;
  /** Directory of the model the first round starts from (model.json + weights). */
  initialModel: string;
  uniform?: Uniform;
  now?: () => number;
}

export async function createFlService({ cfg, store, initialModel, uniform = cryptoUniform(), now = Date.now }: Options): Promise<FlService> {
  checkFlConfig(cfg); // not only at flConfigFromEnv: a config built in code must not bypass the privacy floor
  const federated = (json: ModelJson) => federatedWeights(json, cfg.weights);

  async function currentRound(tx: FlTx): Promise<RoundRow | null> {
    const latest = await tx.latestRound();
    const model = (await tx.latestModel())!;
    if (latest?.status === 'open' && latest.deadline > now() && latest.modelVersion === model.version && (await stillAllowed(tx, latest))) return latest;
    if (latest?.status === 'open') {
      // Expired (or stale): nothing was aggregated, so nothing was released and no privacy spent.
      await tx.deleteUpdates(latest.id);
      await tx.closeRound(latest.id, 'abandoned', now());
    }
    if (finished(await tx.aggregatedRounds())) return null;
    return tx.createRound({
      modelVersion: model.version,
      cohort: cfg.cohort,
      clipNorm: cfg.clipNorm,
      noiseMultiplier: cfg.noiseMultiplier,
      samplingRate: cfg.cohort / cfg.population,
      deadline: now() + cfg.roundSeconds * 1000,
      status: 'open',
      createdAt: now(),
      closedAt: null,
    });
  }

  // A round opened under another configuration (the server restarted with new FL_* values) would
  // be aggregated with parameters the budget check never saw, and decoded at another scale.
  async function stillAllowed(tx: FlTx, round: RoundRow): Promise<boolean> {
    const same = round.cohort === cfg.cohort && round.clipNorm === cfg.clipNorm && round.noiseMultiplier === cfg.noiseMultiplier && round.samplingRate === cfg.cohort / cfg.population;
    return same && !finished(await tx.aggregatedRounds());
  }

  function spent(rounds: { samplingRate: number; noiseMultiplier: number }[]): number {
    if (rounds.length === 0) return 0;
    // Rounds with the same (q, z) compose as one RDP evaluation × their number: the cost stays
    // flat as rounds accumulate, though every request checks the budget.
    const groups = new Map<string, { q: number; z: number; n: number }>();
    for (const r of rounds) {
      const key = `${r.samplingRate}/${r.noiseMultiplier}`;
      const g = groups.get(key) ?? { q: r.samplingRate, z: r.noiseMultiplier, n: 0 };
      g.n++;
      groups.set(key, g);
    }
    const total = [...groups.values()].map((g) => rdp(g.q, g.z, g.n)).reduce((a, b) => a.map((v, i) => v + b[i]));
    return epsilon(total, cfg.delta).epsilon;
  }

  const spentAfterNextRound = (rounds: { samplingRate: number; noiseMultiplier: number }[]) =>
    spent([...rounds, { samplingRate: cfg.cohort / cfg.population, noiseMultiplier: cfg.noiseMultiplier }]);

  /** Why training has stopped after `rounds`, or null while it goes on. */
  const stopReason = (rounds: { samplingRate: number; noiseMultiplier: number }[]) =>
    rounds.length >= cfg.rounds ? `FL_ROUNDS (${cfg.rounds}) rounds are done`
    : spentAfterNextRound(rounds) > cfg.epsilonBudget ? 'the privacy budget is spent'
    : null;
  const finished = (rounds: { samplingRate: number; noiseMultiplier: number }[]) => stopReason(rounds) !== null;

  // The learning rate decays over the rounds training will run: FL_ROUNDS, or as many as the
  // budget allows at this configuration.
  const horizon = Math.min(cfg.rounds, maxRounds(cfg.cohort / cfg.population, cfg.noiseMultiplier, cfg.delta, cfg.epsilonBudget));

  async function roundInfo(tx: FlTx): Promise<RoundInfo> {
    const round = await currentRound(tx);
    const model = (await tx.latestModel())!;
    const names = federated(JSON.parse(model.json));
    const common = {
      model: { version: model.version, sha256: model.sha256 },
      clipNorm: cfg.clipNorm,
      noiseMultiplier: cfg.noiseMultiplier,
      weights: names.map((w) => w.name),
      length: names.reduce((n, w) => n + size(w.shape), 0),
      encoding: 'int16-fixed' as const,
      scale: scaleFor(cfg.clipNorm),
    };
    if (!round) return { ...common, round: 0, status: 'stopped', cohort: cfg.cohort, received: 0, deadline: new Date(now()).toISOString() };
    return {
      ...common,
      round: round.id,
      status: 'open',
      cohort: round.cohort,
      received: await tx.countUpdates(round.id),
      deadline: new Date(round.deadline).toISOString(),
    };
  }

  async function publish(tx: FlTx, round: RoundRow, model: ModelRow, mean: Float32Array): Promise<void> {
    const json = JSON.parse(model.json) as ModelJson;
    const weights = decodeWeights(json.weightsManifest[0].weights, toArrayBuffer(model.weights));
    const targets = federated(json).map((w) => weights.find((a) => a.name === w.name)!);
    const flat = flatten(targets.map((t) => t.data));
    // FedAdam's moments belong to the model they were computed on; they are kept in the same
    // transaction as the version they produce, so a restart resumes exactly where it stopped.
    const done = (await tx.aggregatedRounds()).length;
    const state = serverStep(flat, mean, decodeState(await tx.optimizerState(model.version), flat.length), {
      ...SERVER_OPTIMIZER_DEFAULTS,
      kind: cfg.serverOptimizer,
      learningRate: roundRate(cfg.serverLearningRate, done + 1, horizon, SERVER_OPTIMIZER_DEFAULTS.finalRate),
      epsilon: cfg.serverEpsilon,
    });
    let offset = 0;
    for (const t of targets) t.data.set(flat.subarray(offset, (offset += t.data.length)));
    const { entries, bin } = encodeWeights(weights, 'float32');
    const sha256 = createHash('sha256').update(bin).digest('hex');
    const version = `fl-r${round.id}-${sha256.slice(0, 12)}`;
    const next: ModelJson = {
      ...json,
      version,
      weightsSha256: sha256,
      weightsManifest: [{ paths: ['weights.bin'], weights: entries }],
      training: { ...(json.training ?? {}), federatedRound: round.id, from: model.version },
    };
    await tx.insertModel({ version, round: round.id, sha256, json: JSON.stringify(next), weights: bin, createdAt: now() });
    if (state) await tx.saveOptimizerState(version, encodeState(state));
  }

  async function aggregateRound(tx: FlTx, round: RoundRow): Promise<void> {
    const model = (await tx.model(round.modelVersion))!;
    // From the round itself, not roundInfo(): that would re-check the deadline and could abandon
    // (and empty) this very round if the clock passed it during the request.
    const length = federated(JSON.parse(model.json)).reduce((n, w) => n + size(w.shape), 0);
    const updates = (await tx.updates(round.id)).map((b) => decodeUpdate(b, length, scaleFor(round.clipNorm)) as Float32Array);
    const mean = aggregate(updates, { clipNorm: round.clipNorm, noiseMultiplier: round.noiseMultiplier, cohort: round.cohort, uniform });
    await publish(tx, round, model, mean);
    await tx.deleteUpdates(round.id);
    await tx.closeRound(round.id, 'aggregated', now());
    await tx.bump('rounds');
  }

  await store.transaction(async (tx) => {
    if (!(await tx.latestModel())) await tx.insertModel(readInitialModel(initialModel, now()));
    await currentRound(tx);
  });

  return {
    round: () => store.transaction(roundInfo),
    async model() {
      const m = await store.transaction((tx) => tx.latestModel());
      return { version: m!.version, sha256: m!.sha256, url: `models/${encodeURIComponent(m!.version)}/model.json`, round: m!.round };
    },
    async modelFile(version, file) {
      const m = await store.transaction((tx) => tx.model(version));
      if (!m) return null;
      if (file === 'model.json') return { body: m.json, type: 'application/json' };
      if (file === 'weights.bin') return { body: m.weights, type: 'application/octet-stream' };
      return null;
    },
    async status() {
      return store.transaction(async (tx) => {
        const counters = await tx.counters();
        const latest = await tx.latestRound();
        const model = (await tx.latestModel())!;
        return {
          roundsCompleted: counters.rounds ?? 0,
          round: latest?.status === 'open' ? latest.id : null,
          updatesAccepted: counters.accepted ?? 0,
          updatesRejected: counters.rejected ?? 0,
          epsilon: spent(await tx.aggregatedRounds()),
          delta: cfg.delta,
          epsilonBudget: cfg.epsilonBudget,
          stopped: finished(await tx.aggregatedRounds()),
          cohort: cfg.cohort,
          clipNorm: cfg.clipNorm,
          noiseMultiplier: cfg.noiseMultiplier,
          population: cfg.population,
          model: model.version,
        };
      });
    },
    async maxUploadBytes() {
      return 2 * (await store.transaction(roundInfo)).length;
    },
    async reject() {
      await store.transaction((tx) => tx.bump('rejected'));
    },
    async submit(input) {
      // Decimal digits only: Number() would also take "0x1", "1e0" or " 1" for round 1.
      if (!/^[1-9][0-9]{0,15}$/.test(input.round ?? '')) throw new HttpError(400, 'x-shelfwise-round: expected a round number');
      const roundId = Number(input.round);
      if (!input.model) throw new HttpError(400, 'x-shelfwise-model: missing');
      const token = input.token;
      if (!token || !/^[0-9a-f]{32}$/.test(token)) throw new HttpError(400, 'x-shelfwise-token: expected 32 hex digits');
      return store.transaction(async (tx) => {
        const info = await roundInfo(tx);
        if (info.status === 'stopped') throw new HttpError(409, `training has stopped: ${stopReason(await tx.aggregatedRounds())}`);
        if (roundId !== info.round) throw new HttpError(409, `round ${roundId} is not open (the open round is ${info.round})`);
        await tx.lockRound(info.round);
        if (input.model !== info.model.version) throw new HttpError(409, `update computed on model ${input.model}; round ${info.round} trains ${info.model.version}`);
        const values = decodeUpdate(input.body, info.length, info.scale);
        if (typeof values === 'string') throw new HttpError(400, `update: ${values}`);
        const norm = l2norm(values);
        if (norm > cfg.clipNorm + roundingSlack(info.length, info.scale)) throw new HttpError(400, `update: L2 norm ${norm.toFixed(4)} exceeds the clip norm ${cfg.clipNorm}`);
        if (!(await tx.insertUpdate(info.round, token, input.body, now()))) throw new HttpError(409, 'token already used');
        await tx.bump('accepted');
        const received = await tx.countUpdates(info.round);
        if (received >= info.cohort) {
          const round = (await tx.latestRound())!;
          await aggregateRound(tx, round);
          await currentRound(tx);
        }
        return { accepted: true, round: info.round, received, cohort: info.cohort };
      });
    },
  };
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The weights rounds train, in manifest order (see FlConfig.weights). */
export function federatedWeights(json: ModelJson, setting: FlConfig['weights']): { name: string; shape: number[] }[] {
  const all = json.weightsManifest[0].weights;
  const names = Array.isArray(setting) ? setting : federatedNames(all, setting);
  const unknown = names.filter((n) => !all.some((w) => w.name === n));
  if (unknown.length) throw new Error(`FL_WEIGHTS: the model has no weight ${unknown.join(', ')}`);
  return all.filter((w) => names.includes(w.name)).map((w) => ({ name: w.name, shape: w.shape }));
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function readInitialModel(dir: string, at: number): Omit<ModelRow, 'seq'> {
  const json = checkModelJson(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  if (json.format !== ARTIFACT_FORMAT) throw new Error(`${dir}: not a model`);
  const weights = new Uint8Array(readFileSync(join(dir, json.weightsManifest[0].paths[0])));
  const sha256 = createHash('sha256').update(weights).digest('hex');
  if (sha256 !== json.weightsSha256) throw new Error(`${dir}: weights do not match model.json`);
  return { version: json.version, round: null, sha256, json: JSON.stringify(json), weights, createdAt: at };
}

