// What the PostgreSQL stores share: the connection pool, the versioned schema each aggregator's
// server creates and migrates itself at start-up, and transactions that are retried when the
// database says a concurrent instance got there first. Transactions run at READ COMMITTED; what
// must happen once (a round closed, a key created, a report id used) is made so by row locks and
// unique constraints, and the loser of a race is re-run from the start against the new state.
import pg from 'pg';

/** Thrown by a store when a row it relies on changed under it (a round another instance closed):
 *  the whole transaction is re-run. */
export class Conflict extends Error {}

/** An aggregator's schema: migration i (from 1) takes the database from version i - 1 to i. */
export interface Schema {
  /** Which server's database this is ('leader', 'helper'): one never opens the other's. */
  component: string;
  migrations: readonly string[];
}

// Serialization failure, deadlock, a unique key taken by a concurrent transaction.
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const ATTEMPTS = 20;

// BIGINT (epoch ms, ids, COUNT(*)) as a number: every value the stores keep is far below 2^53.
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** What a transaction body may do: queries, each a prepared statement of its connection. */
export interface Queries {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Several statements at once, unprepared (a migration). */
  exec(sql: string): Promise<unknown>;
}

// Every statement is named after its text: each connection parses and plans it once.
const names = new Map<string, string>();
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (!name) names.set(text, (name = `s${names.size}`));
  return { name, text, values };
}

export interface PgDb {
  /** Runs `fn` in one transaction, retried on a conflict with another instance. */
  transaction<T>(fn: (client: Queries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openPgDb(url: string, schema: Schema, opts: { maxConnections?: number } = {}): Promise<PgDb> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('the database URL is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`the database URL must start with postgres:// (got ${parsed.protocol}//)`);
  const pool = new pg.Pool({ connectionString: url, types, max: opts.maxConnections ?? 10 });
  // An idle connection the server drops (a restart, a failover) is replaced on next use; without a
  // listener the pool's error event would end the process.
  pool.on('error', () => {});

  async function transaction<T>(fn: (client: Queries) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      const queries: Queries = { query: (sql, params = []) => client.query(prepared(sql, params)), exec: (sql) => client.query(sql) };
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const out = await fn(queries);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        if (!(err instanceof Conflict || RETRYABLE.has((err as { code?: string }).code ?? '')) || attempt >= ATTEMPTS) throw err;
      } finally {
        client.release(broken);
      }
      // Jittered back-off, so that instances that collided do not collide again in step.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }

  try {
    await transaction((c) => migrate(c, schema));
  } catch (err) {
    await pool.end();
    throw err;
  }
  return { transaction, close: () => pool.end() };
}

/** Brings the schema to the newest version; instances starting together wait for each other. */
async function migrate(client: Queries, schema: Schema): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('shelfwise schema'))");
  await client.query('CREATE TABLE IF NOT EXISTS shelfwise_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const rows = (await client.query<{ component: string; version: number }>('SELECT component, version FROM shelfwise_schema')).rows;
  const other = rows.find((r) => r.component !== schema.component);
  if (other) throw new Error(`this database holds the ${other.component}'s tables; the ${schema.component} needs a database of its own`);
  const current = rows[0]?.version ?? 0;
  if (current > schema.migrations.length) {
    throw new Error(`the database's ${schema.component} schema is version ${current}, newer than this server's ${schema.migrations.length}: upgrade the server`);
  }
  for (let v = current + 1; v <= schema.migrations.length; v++) await client.exec(schema.migrations[v - 1]);
  await client.query(
    'INSERT INTO shelfwise_schema (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
    [schema.component, schema.migrations.length],
  );
}

export const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
