// The helper's own database (never the leader's) — this SQLite file, or PostgreSQL
// (pg-helper-store.ts) for several instances: its HPKE keys, the seeds of reports not
// yet aggregated (each the helper's whole share of one report), the report ids it has aggregated
// (kept for good, so a replay is refused), and one noisy aggregate share per round. WAL journal and
// synchronous=FULL, as the leader's: what the helper acknowledges survives a crash.
import { toAggregate, toKey, toSeed, type AggregateDb, type KeyDb, type SeedDb } from './helper-rows';
import { openSqlite, queuedTransactions } from './sqlite-db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS hpke_keys (
  key_id INTEGER PRIMARY KEY, pair TEXT NOT NULL, created_at INTEGER NOT NULL, retired_at INTEGER);
CREATE TABLE IF NOT EXISTS seeds (
  report_id TEXT PRIMARY KEY, round INTEGER NOT NULL, model_version TEXT NOT NULL, width INTEGER NOT NULL,
  length INTEGER NOT NULL, seed BLOB NOT NULL, received_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS used (report_id TEXT PRIMARY KEY, round INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS aggregates (
  round INTEGER PRIMARY KEY, model_version TEXT NOT NULL, set_sha256 TEXT NOT NULL, reports INTEGER NOT NULL,
  noise_multiplier REAL NOT NULL, sampling_rate REAL NOT NULL, share BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

export interface KeyRow {
  keyId: number;
  /** HpkeKeyPair as JSON (hpke.ts parseKeyPair reads it back). */
  pair: string;
  createdAt: number;
  retiredAt: number | null;
}

export interface SeedRow {
  reportId: string;
  round: number;
  modelVersion: string;
  width: number;
  length: number;
  seed: Uint8Array;
  receivedAt: number;
}

export interface AggregateRow {
  round: number;
  modelVersion: string;
  /** sha256 of the sorted report ids: the set this share sums. */
  setSha256: string;
  reports: number;
  noiseMultiplier: number;
  samplingRate: number;
  share: Uint8Array;
  createdAt: number;
}

export interface HelperTx {
  keys(): Promise<KeyRow[]>;
  insertKey(row: KeyRow): Promise<void>;
  retireKey(keyId: number, at: number): Promise<void>;
  deleteKey(keyId: number): Promise<void>;
  seed(reportId: string): Promise<SeedRow | null>;
  insertSeed(row: SeedRow): Promise<void>;
  deleteSeed(reportId: string): Promise<void>;
  countSeeds(): Promise<number>;
  /** Drops seeds received before `before` (rounds the leader abandoned); returns how many. */
  pruneSeeds(before: number): Promise<number>;
  /** The round a report id was aggregated in, or null. */
  usedIn(reportId: string): Promise<number | null>;
  markUsed(reportId: string, round: number): Promise<void>;
  /** Serialises the aggregation of one round across instances (a no-op where the transaction already does). */
  lockRound(round: number): Promise<void>;
  aggregate(round: number): Promise<AggregateRow | null>;
  insertAggregate(row: AggregateRow): Promise<void>;
  /** What the helper's ledger charges: one entry per round it released a share for. */
  aggregatedRounds(): Promise<{ samplingRate: number; noiseMultiplier: number }[]>;
  bump(counter: string, by?: number): Promise<void>;
  counters(): Promise<Record<string, number>>;
}

export interface HelperStore {
  transaction<T>(fn: (tx: HelperTx) => Promise<T>): Promise<T>;
  close(): void;
}

const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export function openHelperStore(path: string): HelperStore {
  const db = openSqlite(path, SCHEMA);
  const q = {
    keys: db.prepare('SELECT key_id, pair, created_at, retired_at FROM hpke_keys ORDER BY created_at DESC, key_id DESC'),
    insertKey: db.prepare('INSERT INTO hpke_keys (key_id, pair, created_at, retired_at) VALUES (?, ?, ?, ?)'),
    retireKey: db.prepare('UPDATE hpke_keys SET retired_at = ? WHERE key_id = ? AND retired_at IS NULL'),
    deleteKey: db.prepare('DELETE FROM hpke_keys WHERE key_id = ?'),
    seed: db.prepare('SELECT * FROM seeds WHERE report_id = ?'),
    insertSeed: db.prepare('INSERT INTO seeds (report_id, round, model_version, width, length, seed, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    deleteSeed: db.prepare('DELETE FROM seeds WHERE report_id = ?'),
    countSeeds: db.prepare('SELECT COUNT(*) AS n FROM seeds'),
    pruneSeeds: db.prepare('DELETE FROM seeds WHERE received_at < ?'),
    usedIn: db.prepare('SELECT round FROM used WHERE report_id = ?'),
    markUsed: db.prepare('INSERT INTO used (report_id, round) VALUES (?, ?)'),
    aggregate: db.prepare('SELECT * FROM aggregates WHERE round = ?'),
    insertAggregate: db.prepare(
      'INSERT INTO aggregates (round, model_version, set_sha256, reports, noise_multiplier, sampling_rate, share, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    aggregated: db.prepare('SELECT sampling_rate, noise_multiplier FROM aggregates ORDER BY round'),
    bump: db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value'),
    counters: db.prepare('SELECT name, value FROM counters'),
  };
  const tx: HelperTx = {
    keys: async () =>
      (q.keys.all() as KeyDb[]).map(toKey),
    insertKey: async (k) => void q.insertKey.run(k.keyId, k.pair, k.createdAt, k.retiredAt),
    retireKey: async (keyId, at) => void q.retireKey.run(at, keyId),
    deleteKey: async (keyId) => void q.deleteKey.run(keyId),
    seed: async (id) => {
      const r = q.seed.get(id) as SeedDb | undefined;
      return r ? toSeed(r) : null;
    },
    insertSeed: async (s) => void q.insertSeed.run(s.reportId, s.round, s.modelVersion, s.width, s.length, bytes(s.seed), s.receivedAt),
    deleteSeed: async (id) => void q.deleteSeed.run(id),
    countSeeds: async () => (q.countSeeds.get() as { n: number }).n,
    pruneSeeds: async (before) => q.pruneSeeds.run(before).changes,
    usedIn: async (id) => (q.usedIn.get(id) as { round: number } | undefined)?.round ?? null,
    markUsed: async (id, round) => void q.markUsed.run(id, round),
    lockRound: async () => {},
    aggregate: async (round) => {
      const a = q.aggregate.get(round) as AggregateDb | undefined;
      return a ? toAggregate(a) : null;
    },
    insertAggregate: async (a) => void q.insertAggregate.run(a.round, a.modelVersion, a.setSha256, a.reports, a.noiseMultiplier, a.samplingRate, bytes(a.share), a.createdAt),
    aggregatedRounds: async () =>
      (q.aggregated.all() as { sampling_rate: number; noise_multiplier: number }[]).map((r) => ({ samplingRate: r.sampling_rate, noiseMultiplier: r.noise_multiplier })),
    bump: async (name, by = 1) => void q.bump.run(name, by),
    counters: async () => Object.fromEntries((q.counters.all() as { name: string; value: number }[]).map((r) => [r.name, r.value])),
  };
  return {
    transaction: queuedTransactions(db, tx),
    close: () => db.close(),
  };
}
