// The embedded FlStore: one SQLite file (WAL journal, synchronous=FULL so an acknowledged update
// survives a crash), one writer at a time.
import type Database from 'better-sqlite3';
import type { FlStore, FlTx } from './store';
import { toModel, toRound, type ModelDb, type RoundDb } from './store-rows';
import { openSqlite, queuedTransactions } from './sqlite-db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, round INTEGER,
  sha256 TEXT NOT NULL, json TEXT NOT NULL, weights BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rounds (
  id INTEGER PRIMARY KEY AUTOINCREMENT, model_version TEXT NOT NULL, cohort INTEGER NOT NULL,
  clip_norm REAL NOT NULL, noise_multiplier REAL NOT NULL, sampling_rate REAL NOT NULL,
  deadline INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, closed_at INTEGER);
CREATE TABLE IF NOT EXISTS updates (
  round INTEGER NOT NULL, token TEXT NOT NULL, payload BLOB NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (round, token));
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, round INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS optimizer_state (model_version TEXT PRIMARY KEY, state BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS updates_by_token ON updates (token);
CREATE TABLE IF NOT EXISTS report_digests (token TEXT PRIMARY KEY, round INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS forwarded (token TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export function openSqliteStore(path: string): FlStore {
  const db = openSqlite(path, SCHEMA);
  const tx = sqliteTx(db);
  return {
    shared: false,
    transaction: queuedTransactions(db, tx),
    close: () => db.close(),
  };
}

function sqliteTx(db: Database.Database): FlTx {
  const q = {
    latestModel: db.prepare('SELECT * FROM models ORDER BY seq DESC LIMIT 1'),
    model: db.prepare('SELECT * FROM models WHERE version = ?'),
    insertModel: db.prepare('INSERT INTO models (version, round, sha256, json, weights, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    latestRound: db.prepare('SELECT * FROM rounds ORDER BY id DESC LIMIT 1'),
    createRound: db.prepare(
      'INSERT INTO rounds (model_version, cohort, clip_norm, noise_multiplier, sampling_rate, deadline, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    round: db.prepare('SELECT * FROM rounds WHERE id = ?'),
    closeRound: db.prepare('UPDATE rounds SET status = ?, closed_at = ? WHERE id = ?'),
    insertToken: db.prepare('INSERT OR IGNORE INTO tokens (token, round) VALUES (?, ?)'),
    insertUpdate: db.prepare('INSERT INTO updates (round, token, payload, received_at) VALUES (?, ?, ?, ?)'),
    countUpdates: db.prepare('SELECT COUNT(*) AS n FROM updates WHERE round = ?'),
    updates: db.prepare('SELECT payload FROM updates WHERE round = ? ORDER BY received_at, token'),
    deleteUpdates: db.prepare('DELETE FROM updates WHERE round = ?'),
    deleteForwarded: db.prepare('DELETE FROM forwarded WHERE token IN (SELECT token FROM updates WHERE round = ?)'),
    uploadTokens: db.prepare('SELECT token FROM updates WHERE round = ? ORDER BY received_at, token'),
    upload: db.prepare('SELECT round, payload FROM updates WHERE token = ?'),
    deleteUpload: db.prepare('DELETE FROM updates WHERE token = ?'),
    deleteOneForwarded: db.prepare('DELETE FROM forwarded WHERE token = ?'),
    reportDigest: db.prepare('SELECT round, sha256 FROM report_digests WHERE token = ?'),
    insertReportDigest: db.prepare('INSERT INTO report_digests (token, round, sha256) VALUES (?, ?, ?)'),
    unforwarded: db.prepare('SELECT token, payload FROM updates WHERE round = ? AND token NOT IN (SELECT token FROM forwarded) ORDER BY received_at, token LIMIT ?'),
    markForwarded: db.prepare('INSERT OR IGNORE INTO forwarded (token) VALUES (?)'),
    meta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    aggregated: db.prepare("SELECT sampling_rate, noise_multiplier FROM rounds WHERE status IN ('aggregated', 'refused') ORDER BY id"),
    optimizerState: db.prepare('SELECT state FROM optimizer_state WHERE model_version = ?'),
    clearOptimizerState: db.prepare('DELETE FROM optimizer_state'),
    insertOptimizerState: db.prepare('INSERT INTO optimizer_state (model_version, state) VALUES (?, ?)'),
    bump: db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value'),
    counters: db.prepare('SELECT name, value FROM counters'),
  };
  return {
    latestModel: async () => {
      const m = q.latestModel.get() as ModelDb | undefined;
      return m ? toModel(m) : null;
    },
    model: async (version) => {
      const m = q.model.get(version) as ModelDb | undefined;
      return m ? toModel(m) : null;
    },
    insertModel: async (m) => void q.insertModel.run(m.version, m.round, m.sha256, m.json, Buffer.from(m.weights), m.createdAt),
    latestRound: async () => {
      const r = q.latestRound.get() as RoundDb | undefined;
      return r ? toRound(r) : null;
    },
    lockRound: async () => {},
    createRound: async (r) => {
      const { lastInsertRowid } = q.createRound.run(r.modelVersion, r.cohort, r.clipNorm, r.noiseMultiplier, r.samplingRate, r.deadline, r.status, r.createdAt);
      return toRound(q.round.get(lastInsertRowid) as RoundDb);
    },
    // One writer at a time: the count is exact.
    admit: async (round, cohort) => (q.countUpdates.get(round) as { n: number }).n <= cohort,
    closeRound: async (id, status, at) => void q.closeRound.run(status, at, id),
    insertUpdate: async (round, token, payload, at) => {
      if (q.insertToken.run(token, round).changes === 0) return false;
      q.insertUpdate.run(round, token, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), at);
      return true;
    },
    countUpdates: async (round) => (q.countUpdates.get(round) as { n: number }).n,
    updates: async (round) => (q.updates.all(round) as { payload: Buffer }[]).map((r) => new Uint8Array(r.payload)),
    deleteUpdates: async (round) => {
      q.deleteForwarded.run(round);
      q.deleteUpdates.run(round);
    },
    uploadTokens: async (round) => (q.uploadTokens.all(round) as { token: string }[]).map((r) => r.token),
    upload: async (token) => {
      const r = q.upload.get(token) as { round: number; payload: Buffer } | undefined;
      return r ? { round: r.round, payload: new Uint8Array(r.payload) } : null;
    },
    deleteUpload: async (token) => {
      q.deleteOneForwarded.run(token);
      q.deleteUpload.run(token);
    },
    reportDigest: async (token) => (q.reportDigest.get(token) as { round: number; sha256: string } | undefined) ?? null,
    insertReportDigest: async (token, round, sha256) => void q.insertReportDigest.run(token, round, sha256),
    unforwarded: async (round, limit) =>
      (q.unforwarded.all(round, limit) as { token: string; payload: Buffer }[]).map((r) => ({ token: r.token, payload: new Uint8Array(r.payload) })),
    markForwarded: async (tokens) => {
      for (const t of tokens) q.markForwarded.run(t);
    },
    meta: async (key) => (q.meta.get(key) as { value: string } | undefined)?.value ?? null,
    setMeta: async (key, value) => void q.setMeta.run(key, value),
    aggregatedRounds: async () =>
      (q.aggregated.all() as { sampling_rate: number; noise_multiplier: number }[]).map((r) => ({
        samplingRate: r.sampling_rate,
        noiseMultiplier: r.noise_multiplier,
      })),
    optimizerState: async (version) => {
      const r = q.optimizerState.get(version) as { state: Buffer } | undefined;
      return r ? new Uint8Array(r.state) : null;
    },
    saveOptimizerState: async (version, state) => {
      q.clearOptimizerState.run();
      q.insertOptimizerState.run(version, Buffer.from(state.buffer, state.byteOffset, state.byteLength));
    },
    bump: async (name, by = 1) => void q.bump.run(name, by),
    counters: async () => Object.fromEntries((q.counters.all() as { name: string; value: number }[]).map((r) => [r.name, r.value])),
  };
}
