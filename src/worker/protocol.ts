// Messages between the page and the learning worker, and what `shelfwise.debug()` reports of the
// model. Types only.
import type { BackendName } from '../shared/types';
import type { ContributionOutcome } from './federate';

export interface WorkerOptions {
  /** Absolute URL of the model.json the page ranks with: the worker learns on the same version. */
  modelUrl: string;
  /** Federated-learning base URL; when set, the device contributes to rounds. */
  syncUrl: string | null;
  /** Backends to try, in order. */
  backends: BackendName[];
  /** Accept a GPU emulated in software (the site named its backends in data-backends). */
  softwareGpu: boolean;
  dbName: string;
}

/** What the worker needs of a candidate: its id and catalog features. */
export interface CandidateFeatures {
  item_id: string;
  category: string;
  brand: string;
}

/** How an adaptation ended: a vector was fitted and saved, or the fit did not help (none kept). */
export type AdaptOutcome = 'fitted' | 'unchanged';

export interface WorkerDebug {
  backend: BackendName;
  modelVersion: string | null;
  /** Milliseconds: TF.js, the backend and the model loaded; the latest adaptation. */
  timings: { load?: number; adapt?: number };
}

export interface DebugInfo {
  /** The TF.js backend learning runs on; 'none' while nothing has been learnt on this page. */
  backend: BackendName;
  /** The model version shelves are ranked with on this page. */
  modelVersion: string | null;
  events: number;
  /** Milliseconds: `load` the page's model (pointer read, weights from the cache, decoded,
   *  warmed), `rank` the latest shelf's ranking (history read + scores), `learn` the worker's
   *  start (TF.js, backend, model), `adapt` its latest adaptation. */
  timings: { load?: number; rank?: number; learn?: number; adapt?: number };
  /** This page's federated contribution: the last round the device contributed to, and how this
   *  page's attempt ended (null: none yet). */
  contribution: { lastRound: number | null; outcome: ContributionOutcome | null };
}

export interface Calls {
  init(options: WorkerOptions): void;
  /** Fits the personal vector again from the history and offered items in the store. */
  adapt(): AdaptOutcome;
  /** Takes part in the open federated round if this device is eligible. */
  contribute(): ContributionOutcome | 'off';
  debug(): WorkerDebug;
}

export type Request = { [K in keyof Calls]: { id: number; call: K; args: Parameters<Calls[K]> } }[keyof Calls];

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
