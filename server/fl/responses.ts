// The endpoints' answers in the wire format (src/sync/wire.ts), built from stored rows.
import type { Aggregation, FlStatus, ModelInfo, RoundInfo, SecAggRound, UpdateReceipt } from '../../src/sync/wire';
import { scaleFor } from '../../src/privacy/fixed-point';
import type { ModelJson } from '../../src/model/plain/artifact';
import type { FlConfig } from './config';
import { federatedWeights, updateLength } from './models';
import type { Ledger } from './ledger';
import type { FlStore, FlTx, ModelRow, RoundRow } from './store';

interface RoundState {
  /** The open round; null once training has stopped. */
  round: RoundRow | null;
  /** The newest model, which an open round trains. */
  model: ModelRow;
  /** Uploads the open round has accepted. */
  received: number;
  /** Two-aggregator mode: what a device needs to build its report (null: the helper never answered). */
  secagg?: SecAggRound | null;
}

export function roundInfo(cfg: FlConfig, { round, model, received, secagg }: RoundState, now: () => number): RoundInfo {
  const json = JSON.parse(model.json) as ModelJson;
  const common = {
    model: { version: model.version, sha256: model.sha256 },
    clipNorm: cfg.clipNorm,
    noiseMultiplier: cfg.noiseMultiplier,
    weights: federatedWeights(json, cfg.weights).map((w) => w.name),
    length: updateLength(json, cfg.weights),
    encoding: 'int16-fixed' as const,
    scale: scaleFor(cfg.clipNorm),
    ...(secagg === undefined ? { aggregation: 'central' as const } : { aggregation: 'two-aggregator' as const, secagg }),
  };
  if (!round) return { ...common, round: 0, status: 'stopped', cohort: cfg.cohort, received: 0, deadline: new Date(now()).toISOString() };
  return { ...common, round: round.id, status: 'open', cohort: round.cohort, received, deadline: new Date(round.deadline).toISOString() };
}

function modelInfo(m: ModelRow): ModelInfo {
  return { version: m.version, sha256: m.sha256, url: `models/${encodeURIComponent(m.version)}/model.json`, round: m.round };
}

export interface ModelAnswers {
  model(): Promise<ModelInfo>;
  modelFile(version: string, file: string): Promise<{ body: Uint8Array | string; type: string } | null>;
}

/** What every aggregator that runs rounds answers, in either mode. */
export interface RoundAnswers extends ModelAnswers {
  round(): Promise<RoundInfo>;
  status(): Promise<FlStatus>;
  /** Largest valid upload, in bytes (the HTTP layer refuses bigger bodies before reading them). */
  maxUploadBytes(): Promise<number>;
  reject(): Promise<void>;
  /** Resolves when the store answers (the readiness probe). */
  ready(): Promise<void>;
}

/** `GET /model` and `GET /models/<version>/<file>`, whichever mode published the versions. */
export function modelAnswers(store: FlStore): ModelAnswers {
  return {
    model: async () => modelInfo((await store.transaction((tx) => tx.latestModel()))!),
    async modelFile(version, file) {
      const m = await store.transaction((tx) => tx.model(version));
      if (!m) return null;
      if (file === 'model.json') return { body: m.json, type: 'application/json' };
      if (file === 'weights.bin') return { body: m.weights, type: 'application/octet-stream' };
      return null;
    },
  };
}

interface StatusState {
  counters: Record<string, number>;
  latest: RoundRow | null;
  model: ModelRow;
  /** ε spent so far. */
  epsilon: number;
  stopped: boolean;
  aggregation: Aggregation;
}

/** `GET /status` as both modes start it, from the store's counters, rounds and ledger. */
export async function storedStatus(tx: FlTx, cfg: FlConfig, ledger: Ledger, aggregation: Aggregation): Promise<{ status: FlStatus; latest: RoundRow | null; counters: Record<string, number> }> {
  const counters = await tx.counters();
  const latest = await tx.latestRound();
  const model = (await tx.latestModel())!;
  const aggregated = await tx.aggregatedRounds();
  return { status: flStatus(cfg, { counters, latest, model, epsilon: ledger.spent(aggregated), stopped: ledger.stopReason(aggregated) !== null, aggregation }), latest, counters };
}

function flStatus(cfg: FlConfig, { counters, latest, model, epsilon, stopped, aggregation }: StatusState): FlStatus {
  return {
    roundsCompleted: counters.rounds ?? 0,
    round: latest?.status === 'open' ? latest.id : null,
    updatesAccepted: counters.accepted ?? 0,
    updatesRejected: counters.rejected ?? 0,
    epsilon,
    delta: cfg.delta,
    epsilonBudget: cfg.epsilonBudget,
    stopped,
    cohort: cfg.cohort,
    clipNorm: cfg.clipNorm,
    noiseMultiplier: cfg.noiseMultiplier,
    population: cfg.population,
    model: model.version,
    aggregation,
    roundsAbandoned: counters.abandoned ?? 0,
    updatesDiscarded: counters.discarded ?? 0,
  };
}

export function receipt(info: RoundInfo, received: number): UpdateReceipt {
  return { accepted: true, round: info.round, received, cohort: info.cohort };
}
