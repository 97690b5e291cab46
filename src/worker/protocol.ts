// Messages between the page (loader) and the model worker. Types only.
import type { BackendName } from '../shared/types';
import type { ContributionOutcome } from './federate';

export interface WorkerOptions {
  /** Absolute URL of the model.json the widget ships with. */
  modelUrl: string;
  /** Federated-learning base URL; when set, the newest published model is used and the device contributes. */
  syncUrl: string | null;
  /** Backends to try, in order. */
  backends: BackendName[];
  dbName: string;
}

/** What the worker needs of a candidate: its id and catalog features. */
export interface CandidateFeatures {
  item_id: string;
  category: string;
  brand: string;
}

export interface RankResult {
  /** Aligned with the candidates sent. */
  scores: number[];
  backend: BackendName;
  modelVersion: string;
  /** Interest events the model read. */
  history: number;
  ms: number;
}

export interface DebugInfo {
  backend: BackendName;
  modelVersion: string | null;
  events: number;
  /** Milliseconds: loading model + backend, the latest ranking (history read + inference), the latest adaptation. */
  timings: { load?: number; rank?: number; adapt?: number };
  /** This worker's federated contributions: the last round it contributed to, and how its latest
   *  attempt ended (null: none yet). */
  contribution: { lastRound: number | null; outcome: ContributionOutcome | null };
}

export interface Calls {
  init(options: WorkerOptions): void;
  /** Scores candidates for a slot; the scores are also kept under `scores:<slotKey>` for the next page. */
  rank(slotKey: string, candidates: CandidateFeatures[]): RankResult;
  debug(): DebugInfo;
  /** The page is idle: take part in the open federated round if this device is eligible. */
  contribute(): ContributionOutcome | 'off';
}

export type Request = { [K in keyof Calls]: { id: number; call: K; args: Parameters<Calls[K]> } }[keyof Calls];

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
