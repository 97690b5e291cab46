// What the leader and the helper say to each other (JSON under /api/fl/helper on the helper). Bytes
// travel as base64url. Devices never call these: they reach the helper only through the sealed
// seeds the leader forwards, and its key configuration, which the leader relays with the round.
import type { HpkeConfig } from '../../src/privacy/secagg/hpke';
import type { Width } from '../../src/privacy/secagg/ring';

export const HELPER_BASE = '/api/fl/helper';

/** `GET /config`: the keys devices may seal to, the current one first, and the helper's noise. */
export interface HelperConfigs {
  keys: HpkeConfig[];
  /** z of the helper's own noise: the leader sizes the ring and its range check for it. */
  noiseMultiplier: number;
}

/** What every report of a batch or an aggregation belongs to. */
export interface RoundShape {
  round: number;
  modelVersion: string;
  width: Width;
  /** d, coordinates per share. */
  length: number;
}

export interface SealedSeedWire {
  reportId: string;
  keyId: number;
  /** HPKE encapsulated key, base64url. */
  enc: string;
  /** The sealed seed, base64url. */
  ciphertext: string;
}

/** `POST /seeds`: sealed seeds of accepted reports, in batches. All or nothing: when one is refused,
 *  none is stored and the answer (a 4xx) lists the refused ones, so the leader drops those and
 *  sends the rest again. Sending a stored report again is harmless. */
export interface SeedBatch extends RoundShape {
  reports: SealedSeedWire[];
}

export interface SeedBatchAnswer {
  stored: number;
  /** Reports the helper already held, byte for byte. */
  duplicates: number;
}

export interface SeedRefusal {
  error: string;
  refused: { reportId: string; code: string; error: string }[];
}

/** `POST /aggregate`: the set of reports the leader sums; the helper sums the same set. */
export interface AggregateRequest extends RoundShape {
  reportIds: string[];
}

/** The helper's aggregate share with its noise, given once per round: asked again for the same
 *  round and set, it answers the same bytes (fresh noise each time would average away). */
export interface AggregateAnswer {
  round: number;
  reports: number;
  noiseMultiplier: number;
  /** d·w/8 little-endian bytes, base64url. */
  share: string;
}

/** `GET /status`. */
export interface HelperStatus {
  role: 'helper';
  /** Seeds held for rounds not yet aggregated. */
  seedsHeld: number;
  seedsAccepted: number;
  seedsRefused: number;
  roundsAggregated: number;
  aggregationsRefused: number;
  /** ε this helper's own noise guarantees for the rounds it has released a share for. */
  epsilon: number;
  delta: number;
  epsilonBudget: number;
  keys: { keyId: number; createdAt: string; retiredAt: string | null; refusedAfter: string | null }[];
}
