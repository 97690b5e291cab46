// The federated-learning wire format, shared by the widget's sync client and the aggregation
// server. See README "Federated learning".

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
}

/** `POST <sync>/update` answer. */
export interface UpdateReceipt {
  accepted: true;
  round: number;
  received: number;
  cohort: number;
}

/** The content type of an upload. */
export const UPDATE_TYPE = 'application/vnd.shelfwise.update';

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
