// The helper's store on PostgreSQL (FL_HELPER_DATABASE_URL), shared by any number of helper
// instances. A seed or a used report id is one row under a primary key, so two instances cannot
// both store or both aggregate one report; at most one key is live (a unique index); a round is
// aggregated under a transaction-scoped advisory lock, so its noise is drawn by one instance.
import type pg from 'pg';
import { bytes, openPgDb, type Queries } from './pg-db';
import type { HelperStore, HelperTx } from './helper-store';
import { toAggregate, toKey, toSeed, type AggregateDb, type KeyDb, type SeedDb } from './helper-rows';

const MIGRATIONS = [
  `CREATE TABLE hpke_keys (key_id INTEGER PRIMARY KEY, pair TEXT NOT NULL, created_at BIGINT NOT NULL, retired_at BIGINT);
   CREATE UNIQUE INDEX hpke_keys_one_live ON hpke_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;
   CREATE TABLE seeds (
     report_id TEXT PRIMARY KEY, round BIGINT NOT NULL, model_version TEXT NOT NULL, width INTEGER NOT NULL,
     length INTEGER NOT NULL, seed BYTEA NOT NULL, received_at BIGINT NOT NULL);
   CREATE INDEX seeds_by_time ON seeds (received_at);
   CREATE TABLE used (report_id TEXT PRIMARY KEY, round BIGINT NOT NULL);
   CREATE TABLE aggregates (
     round BIGINT PRIMARY KEY, model_version TEXT NOT NULL, set_sha256 TEXT NOT NULL, reports INTEGER NOT NULL,
     noise_multiplier DOUBLE PRECISION NOT NULL, sampling_rate DOUBLE PRECISION NOT NULL, share BYTEA NOT NULL, created_at BIGINT NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);`,
];

// The advisory lock's first key: the helper's rounds, apart from any other use of advisory locks.
const ROUND_LOCK = 0x5e1f;

export async function openPgHelperStore(url: string, opts: { maxConnections?: number } = {}): Promise<HelperStore> {
  const db = await openPgDb(url, { component: 'helper', migrations: MIGRATIONS }, opts);
  return {
    transaction: (fn) => db.transaction((client) => fn(helperTx(client))),
    close: () => void db.close(),
  };
}

function helperTx(c: Queries): HelperTx {
  const rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await c.query<R>(sql, params)).rows;
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await rows<R>(sql, params))[0] ?? null;
  const run = async (sql: string, params: unknown[] = []) => void (await c.query(sql, params));
  return {
    keys: async () =>
      (await rows<KeyDb>('SELECT key_id, pair, created_at, retired_at FROM hpke_keys ORDER BY created_at DESC, key_id DESC')).map(toKey),
    insertKey: (k) => run('INSERT INTO hpke_keys (key_id, pair, created_at, retired_at) VALUES ($1, $2, $3, $4)', [k.keyId, k.pair, k.createdAt, k.retiredAt]),
    retireKey: (keyId, at) => run('UPDATE hpke_keys SET retired_at = $1 WHERE key_id = $2 AND retired_at IS NULL', [at, keyId]),
    deleteKey: (keyId) => run('DELETE FROM hpke_keys WHERE key_id = $1', [keyId]),
    seed: async (id) => {
      const r = await one<SeedDb>('SELECT * FROM seeds WHERE report_id = $1', [id]);
      return r ? toSeed(r) : null;
    },
    insertSeed: (s) =>
      run('INSERT INTO seeds (report_id, round, model_version, width, length, seed, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        s.reportId, s.round, s.modelVersion, s.width, s.length, bytes(s.seed), s.receivedAt,
      ]),
    deleteSeed: (id) => run('DELETE FROM seeds WHERE report_id = $1', [id]),
    countSeeds: async () => (await one<{ n: number }>('SELECT COUNT(*) AS n FROM seeds'))!.n,
    pruneSeeds: async (before) => (await c.query('DELETE FROM seeds WHERE received_at < $1', [before])).rowCount ?? 0,
    usedIn: async (id) => (await one<{ round: number }>('SELECT round FROM used WHERE report_id = $1', [id]))?.round ?? null,
    markUsed: (id, round) => run('INSERT INTO used (report_id, round) VALUES ($1, $2)', [id, round]),
    lockRound: (round) => run('SELECT pg_advisory_xact_lock($1, $2)', [ROUND_LOCK, round | 0]),
    aggregate: async (round) => {
      const a = await one<AggregateDb>('SELECT * FROM aggregates WHERE round = $1', [round]);
      return a ? toAggregate(a) : null;
    },
    insertAggregate: (a) =>
      run('INSERT INTO aggregates (round, model_version, set_sha256, reports, noise_multiplier, sampling_rate, share, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        a.round, a.modelVersion, a.setSha256, a.reports, a.noiseMultiplier, a.samplingRate, bytes(a.share), a.createdAt,
      ]),
    aggregatedRounds: async () =>
      (await rows<{ sampling_rate: number; noise_multiplier: number }>('SELECT sampling_rate, noise_multiplier FROM aggregates ORDER BY round')).map((r) => ({
        samplingRate: r.sampling_rate,
        noiseMultiplier: r.noise_multiplier,
      })),
    bump: (name, by = 1) => run('INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value', [name, by]),
    counters: async () => Object.fromEntries((await rows<{ name: string; value: number }>('SELECT name, value FROM counters')).map((r) => [r.name, r.value])),
  };
}
