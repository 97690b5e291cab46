// The leader's (and the central server's) rows as both databases return them (snake_case
// columns), and the store interface's shapes they become. SQLite and PostgreSQL share the schema's
// column names, so one mapping serves both stores.
import type { ModelRow, RoundRow } from './store';

export interface RoundDb {
  id: number;
  model_version: string;
  cohort: number;
  clip_norm: number;
  noise_multiplier: number;
  sampling_rate: number;
  deadline: number;
  status: RoundRow['status'];
  created_at: number;
  closed_at: number | null;
}

export const toRound = (r: RoundDb): RoundRow => ({
  id: r.id,
  modelVersion: r.model_version,
  cohort: r.cohort,
  clipNorm: r.clip_norm,
  noiseMultiplier: r.noise_multiplier,
  samplingRate: r.sampling_rate,
  deadline: r.deadline,
  status: r.status,
  createdAt: r.created_at,
  closedAt: r.closed_at,
});

export interface ModelDb {
  seq: number;
  version: string;
  round: number | null;
  sha256: string;
  json: string;
  weights: Uint8Array;
  created_at: number;
}

export const toModel = (m: ModelDb): ModelRow => ({
  seq: m.seq,
  version: m.version,
  round: m.round,
  sha256: m.sha256,
  json: m.json,
  weights: new Uint8Array(m.weights),
  createdAt: m.created_at,
});
