// The FlStore on PostgreSQL (FL_DATABASE_URL): the leader's (or the central server's) state in a
// database any number of instances share. Each report is one row written once; nothing is summed
// in the database (the instance that closes a round reads the round's rows and sums them). An
// upload takes one of its round's K places (skipping those in flight elsewhere); a round is closed
// under its row's lock by a conditional update that only one instance can win, and a second open
// round is refused by a unique index: the loser's transaction is re-run.
import type pg from 'pg';
import { bytes, Conflict, openPgDb, type Queries } from './pg-db';
import type { FlStore, FlTx, ModelRow } from './store';
import { toModel, toRound, type ModelDb, type RoundDb } from './store-rows';

const MIGRATIONS = [
  `CREATE TABLE models (
     seq BIGSERIAL PRIMARY KEY, version TEXT NOT NULL UNIQUE, round BIGINT, sha256 TEXT NOT NULL,
     json TEXT NOT NULL, weights BYTEA NOT NULL, created_at BIGINT NOT NULL);
   CREATE TABLE rounds (
     id BIGINT PRIMARY KEY, model_version TEXT NOT NULL, cohort INTEGER NOT NULL, clip_norm DOUBLE PRECISION NOT NULL,
     noise_multiplier DOUBLE PRECISION NOT NULL, sampling_rate DOUBLE PRECISION NOT NULL, deadline BIGINT NOT NULL,
     status TEXT NOT NULL, created_at BIGINT NOT NULL, closed_at BIGINT);
   CREATE UNIQUE INDEX rounds_one_open ON rounds (status) WHERE status = 'open';
   CREATE TABLE tokens (token TEXT PRIMARY KEY, round BIGINT NOT NULL);
   CREATE TABLE updates (token TEXT PRIMARY KEY, round BIGINT NOT NULL, payload BYTEA NOT NULL, received_at BIGINT NOT NULL);
   ALTER TABLE updates ALTER COLUMN payload SET STORAGE EXTERNAL;
   CREATE INDEX updates_by_round ON updates (round, received_at, token);
   CREATE TABLE report_digests (token TEXT PRIMARY KEY, round BIGINT NOT NULL, sha256 TEXT NOT NULL);
   CREATE TABLE forwarded (token TEXT PRIMARY KEY);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE optimizer_state (model_version TEXT PRIMARY KEY, state BYTEA NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);`,
  // A round's K places, made with it: an upload takes a free one, skipping those other
  // transactions hold, so admissions go on side by side and never exceed K.
  `CREATE TABLE round_places (round BIGINT NOT NULL, place INTEGER NOT NULL, token TEXT, PRIMARY KEY (round, place));
   CREATE INDEX round_places_by_token ON round_places (token);
   INSERT INTO round_places (round, place, token)
     SELECT r.id, p, NULL FROM rounds r, generate_series(1, r.cohort) p WHERE r.status = 'open';
   WITH taken AS (SELECT round, token, row_number() OVER (PARTITION BY round ORDER BY received_at, token) AS place FROM updates)
   UPDATE round_places rp SET token = taken.token FROM taken WHERE rp.round = taken.round AND rp.place = taken.place;`,
  // A counter in 16 rows, a writer adding to one at random: uploads committing side by side do
  // not queue on the row of 'accepted'.
  `ALTER TABLE counters ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE counters DROP CONSTRAINT counters_pkey;
   ALTER TABLE counters ADD PRIMARY KEY (name, shard);`,
];

const COUNTER_SHARDS = 16;

export async function openPgStore(url: string, opts: { maxConnections?: number } = {}): Promise<FlStore> {
  const db = await openPgDb(url, { component: 'leader', migrations: MIGRATIONS }, opts);
  // A published version never changes: every request asks for the newest model, and its weights
  // (up to megabytes) are read from the database once per instance.
  const models = new Map<string, ModelRow>();
  return {
    shared: true,
    transaction: (fn) => db.transaction((client) => fn(pgTx(client, models))),
    close: () => void db.close(),
  };
}

function pgTx(c: Queries, models: Map<string, ModelRow>): FlTx {
  const rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await c.query<R>(sql, params)).rows;
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await rows<R>(sql, params))[0] ?? null;

  async function model(version: string): Promise<ModelRow | null> {
    const known = models.get(version);
    if (known) return known;
    const m = await one<ModelDb>('SELECT * FROM models WHERE version = $1', [version]);
    if (!m) return null;
    const row = toModel(m);
    if (models.size > 16) models.clear();
    models.set(version, row);
    return row;
  }

  return {
    latestModel: async () => {
      const m = await one<{ version: string }>('SELECT version FROM models ORDER BY seq DESC LIMIT 1');
      return m ? model(m.version) : null;
    },
    model,
    insertModel: async (m) =>
      void (await c.query('INSERT INTO models (version, round, sha256, json, weights, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        m.version, m.round, m.sha256, m.json, bytes(m.weights), m.createdAt,
      ])),
    latestRound: async () => {
      const r = await one<RoundDb>('SELECT * FROM rounds ORDER BY id DESC LIMIT 1');
      return r ? toRound(r) : null;
    },
    lockRound: async (id) => {
      const r = await one<{ status: string }>('SELECT status FROM rounds WHERE id = $1 FOR UPDATE', [id]);
      // Closed by another instance while this transaction waited: start over from the new state.
      if (r?.status !== 'open') throw new Conflict(`round ${id} closed meanwhile`);
    },
    createRound: async (r) => {
      const row = toRound(
        (await one<RoundDb>(
          // Ids without gaps (a sequence would skip the ids of the races' losers): two instances
          // taking the same id collide on the primary key, and the loser runs again.
          `INSERT INTO rounds (id, model_version, cohort, clip_norm, noise_multiplier, sampling_rate, deadline, status, created_at)
           SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8 FROM rounds RETURNING *`,
          [r.modelVersion, r.cohort, r.clipNorm, r.noiseMultiplier, r.samplingRate, r.deadline, r.status, r.createdAt],
        ))!,
      );
      await c.query('INSERT INTO round_places (round, place) SELECT $1, generate_series(1, $2)', [row.id, row.cohort]);
      return row;
    },
    admit: async (round, _cohort, token) => {
      // Shared with the other admissions, exclusive of closing the round (which waits for them).
      const r = await one<{ status: string }>('SELECT status FROM rounds WHERE id = $1 FOR SHARE', [round]);
      if (r?.status !== 'open') throw new Conflict(`round ${round} closed meanwhile`);
      const took = await c.query(
        `UPDATE round_places SET token = $2 WHERE round = $1 AND place =
           (SELECT place FROM round_places WHERE round = $1 AND token IS NULL ORDER BY place LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        [round, token],
      );
      return took.rowCount === 1;
    },
    closeRound: async (id, status, at) => {
      const done = await c.query("UPDATE rounds SET status = $1, closed_at = $2 WHERE id = $3 AND status = 'open'", [status, at, id]);
      if (done.rowCount === 0) throw new Conflict(`round ${id} was closed by another instance`);
    },
    insertUpdate: async (round, token, payload, at) => {
      const fresh = await c.query('INSERT INTO tokens (token, round) VALUES ($1, $2) ON CONFLICT (token) DO NOTHING', [token, round]);
      if (fresh.rowCount === 0) return false;
      await c.query('INSERT INTO updates (token, round, payload, received_at) VALUES ($1, $2, $3, $4)', [token, round, bytes(payload), at]);
      return true;
    },
    countUpdates: async (round) => (await one<{ n: number }>('SELECT COUNT(*) AS n FROM updates WHERE round = $1', [round]))!.n,
    updates: async (round) =>
      (await rows<{ payload: Buffer }>('SELECT payload FROM updates WHERE round = $1 ORDER BY received_at, token', [round])).map((r) => new Uint8Array(r.payload)),
    deleteUpdates: async (round) => {
      await c.query('DELETE FROM forwarded WHERE token IN (SELECT token FROM updates WHERE round = $1)', [round]);
      await c.query('DELETE FROM updates WHERE round = $1', [round]);
      await c.query('DELETE FROM round_places WHERE round = $1', [round]);
    },
    uploadTokens: async (round) => (await rows<{ token: string }>('SELECT token FROM updates WHERE round = $1 ORDER BY received_at, token', [round])).map((r) => r.token),
    upload: async (token) => {
      const r = await one<{ round: number; payload: Buffer }>('SELECT round, payload FROM updates WHERE token = $1', [token]);
      return r ? { round: r.round, payload: new Uint8Array(r.payload) } : null;
    },
    deleteUpload: async (token) => {
      await c.query('DELETE FROM forwarded WHERE token = $1', [token]);
      await c.query('DELETE FROM updates WHERE token = $1', [token]);
      // Its place goes back to the round, which takes another report instead.
      await c.query('UPDATE round_places SET token = NULL WHERE token = $1', [token]);
    },
    reportDigest: async (token) => one<{ round: number; sha256: string }>('SELECT round, sha256 FROM report_digests WHERE token = $1', [token]),
    insertReportDigest: async (token, round, sha256) => void (await c.query('INSERT INTO report_digests (token, round, sha256) VALUES ($1, $2, $3)', [token, round, sha256])),
    unforwarded: async (round, limit) =>
      (
        await rows<{ token: string; payload: Buffer }>(
          'SELECT u.token, u.payload FROM updates u WHERE u.round = $1 AND NOT EXISTS (SELECT 1 FROM forwarded f WHERE f.token = u.token) ORDER BY u.received_at, u.token LIMIT $2',
          [round, limit],
        )
      ).map((r) => ({ token: r.token, payload: new Uint8Array(r.payload) })),
    markForwarded: async (tokens) => void (await c.query('INSERT INTO forwarded (token) SELECT unnest($1::text[]) ON CONFLICT (token) DO NOTHING', [tokens])),
    meta: async (key) => (await one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))?.value ?? null,
    setMeta: async (key, value) =>
      void (await c.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])),
    aggregatedRounds: async () =>
      (await rows<{ sampling_rate: number; noise_multiplier: number }>("SELECT sampling_rate, noise_multiplier FROM rounds WHERE status IN ('aggregated', 'refused') ORDER BY id")).map(
        (r) => ({ samplingRate: r.sampling_rate, noiseMultiplier: r.noise_multiplier }),
      ),
    optimizerState: async (version) => {
      const r = await one<{ state: Buffer }>('SELECT state FROM optimizer_state WHERE model_version = $1', [version]);
      return r ? new Uint8Array(r.state) : null;
    },
    saveOptimizerState: async (version, state) => {
      await c.query('DELETE FROM optimizer_state');
      await c.query('INSERT INTO optimizer_state (model_version, state) VALUES ($1, $2)', [version, bytes(state)]);
    },
    bump: async (name, by = 1) =>
      void (await c.query('INSERT INTO counters (name, shard, value) VALUES ($1, $2, $3) ON CONFLICT (name, shard) DO UPDATE SET value = counters.value + excluded.value', [
        name, Math.floor(Math.random() * COUNTER_SHARDS), by,
      ])),
    counters: async () =>
      Object.fromEntries((await rows<{ name: string; value: number }>('SELECT name, SUM(value)::bigint AS value FROM counters GROUP BY name')).map((r) => [r.name, r.value])),
  };
}
