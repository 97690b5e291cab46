// The federated-learning wire format, shared by the widget's sync client and the aggregation
// server. See README "Federated learning".
import type { HpkeConfig } from '../privacy/secagg/hpke';
import type { Width } from '../privacy/secagg/ring';

/** 'central': one server sees each clipped update and adds the noise; 'two-aggregator': the device
 *  splits its update into two secret shares, one per aggregator, and each adds noise. */
export type Aggregation = 'central' | 'two-aggregator';

/** What a device needs to build a two-aggregator report (src/privacy/secagg/report.ts). */
export interface SecAggRound {
  /** Bits of the ring the shares live in. */
  width: Width;
  /** The helper's current HPKE configuration, relayed by the leader: seal the seed to this key. */
  helper: HpkeConfig;
}

/** `GET <sync>/round`: the round a device may contribute to. */
export interface RoundInfo {
  round: number;
  /** 'open' accepts updates; 'stopped' means the privacy budget is spent (no more rounds). */
  status: 'open' | 'stopped';
  /** The global model the round starts from; an update computed on another version is refused. */
  model: { version: string; sha256: string };
  /** K: updates needed before the server aggregates anything. */
  cohort: number;
  received: number;
  /** C: the L2 bound every update is clipped to. */
  clipNorm: number;
  noiseMultiplier: number;
  deadline: string;
  /** The weights an update covers, in this order, and their total number of values. */
  weights: string[];
  length: number;
  encoding: 'int16-fixed';
  /** Fixed-point scale: value = integer / scale; 32767 / clipNorm, so any clipped update fits. */
  scale: number;
  aggregation: Aggregation;
  /** Two-aggregator rounds: the ring and the helper's key; null while the leader has never reached
   *  the helper (no device can contribute then). Absent in central mode. */
  secagg?: SecAggRound | null;
}

/** `GET <sync>/model`: the newest published global model. */
export interface ModelInfo {
  version: string;
  sha256: string;
  /** model.json of this version (its weights file is beside it). */
  url: string;
  /** The round that produced it (null for the initial model). */
  round: number | null;
}

/** `GET <sync>/status`. */
export interface FlStatus {
  roundsCompleted: number;
  round: number | null;
  updatesAccepted: number;
  updatesRejected: number;
  epsilon: number;
  delta: number;
  epsilonBudget: number;
  stopped: boolean;
  cohort: number;
  clipNorm: number;
  noiseMultiplier: number;
  population: number;
  model: string;
  aggregation: Aggregation;
  /** Rounds that expired before they could be aggregated (nothing released, no ε spent) … */
  roundsAbandoned: number;
  /** … and the accepted uploads they held, which count for nothing. */
  updatesDiscarded: number;
  /** Two-aggregator mode: rounds whose decoded sum failed the range check (nothing published;
   *  charged to ε, since a noisy aggregate was computed). */
  roundsRefused?: number;
  /** Why the last refused round was refused. */
  lastRefusal?: string | null;
  /** Reports the leader accepted whose sealed seed the helper then refused (they count for nothing). */
  reportsRefusedByHelper?: number;
  /** The leader's view of the helper. */
  helper?: HelperState;
}

export interface HelperState {
  url: string;
  /** Whether the last request to the helper got an answer. */
  reachable: boolean;
  /** ISO time of the last answer, null if never. */
  lastContact: string | null;
  /** The last failure talking to the helper, null after a success. */
  lastError: string | null;
  /** The open round has its cohort and waits for the helper to aggregate it. */
  waiting: boolean;
}

/** `POST <sync>/update` answer. */
export interface UpdateReceipt {
  accepted: true;
  round: number;
  received: number;
  cohort: number;
}

/** `POST <sync>/report` answer (202 when stored now, 200 when the same report was stored before). */
export interface ReportReceipt extends UpdateReceipt {
  reportId: string;
  /** The same report (same id, same bytes) was accepted before: it counts once. */
  duplicate: boolean;
}

/** The content type of an upload. */
export const UPDATE_TYPE = 'application/vnd.shelfwise.update';

/** The content type of a two-aggregator report: its body is encodeReport's bytes, which carry the
 *  round, model version and report id themselves (src/privacy/secagg/report.ts). */
export const REPORT_TYPE = 'application/vnd.shelfwise.report';

/** `POST <sync>/update`: the body is the update itself, little-endian int16 fixed point (see
 *  RoundInfo.scale); these headers say what it is. No client id travels: the token is random
 *  and used once. */
export interface UpdateHeaders {
  'content-type': typeof UPDATE_TYPE;
  'x-shelfwise-round': string;
  'x-shelfwise-model': string;
  /** 32 hex digits from a CSPRNG, fresh for every upload. */
  'x-shelfwise-token': string;
}
