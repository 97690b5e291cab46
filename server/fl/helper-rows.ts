// The helper's rows as both databases return them (snake_case columns), and the helper store's
// shapes they become: one mapping for SQLite and PostgreSQL.
import type { AggregateRow, KeyRow, SeedRow } from './helper-store';

export interface KeyDb {
  key_id: number;
  pair: string;
  created_at: number;
  retired_at: number | null;
}

export const toKey = (k: KeyDb): KeyRow => ({ keyId: k.key_id, pair: k.pair, createdAt: k.created_at, retiredAt: k.retired_at });

export interface SeedDb {
  report_id: string;
  round: number;
  model_version: string;
  width: number;
  length: number;
  seed: Uint8Array;
  received_at: number;
}

export const toSeed = (r: SeedDb): SeedRow => ({
  reportId: r.report_id,
  round: r.round,
  modelVersion: r.model_version,
  width: r.width,
  length: r.length,
  seed: new Uint8Array(r.seed),
  receivedAt: r.received_at,
});

export interface AggregateDb {
  round: number;
  model_version: string;
  set_sha256: string;
  reports: number;
  noise_multiplier: number;
  sampling_rate: number;
  share: Uint8Array;
  created_at: number;
}

export const toAggregate = (a: AggregateDb): AggregateRow => ({
  round: a.round,
  modelVersion: a.model_version,
  setSha256: a.set_sha256,
  reports: a.reports,
  noiseMultiplier: a.noise_multiplier,
  samplingRate: a.sampling_rate,
  share: new Uint8Array(a.share),
  createdAt: a.created_at,
});
