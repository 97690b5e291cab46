// Which database an aggregator keeps its state in, from the environment: PostgreSQL when a
// connection URL is set (FL_DATABASE_URL for the leader or the central server,
// FL_HELPER_DATABASE_URL for the helper — two variables, so that a helper started with the
// leader's environment never opens the leader's database), else the SQLite file FL_DB.
import type { HelperStore } from './helper-store';
import { openHelperStore } from './helper-store';
import { openPgHelperStore } from './pg-helper-store';
import { openPgStore } from './pg-store';
import { openSqliteStore } from './sqlite-store';
import type { FlStore } from './store';

type Env = Record<string, string | undefined>;

const url = (env: Env, name: string) => (env[name] ?? '').trim();

export function leaderStoreFromEnv(env: Env, sqlitePath: string): Promise<FlStore> {
  const pg = url(env, 'FL_DATABASE_URL');
  return pg ? openPgStore(pg).catch(failed('FL_DATABASE_URL')) : Promise.resolve(openSqliteStore(env.FL_DB || sqlitePath));
}

export function helperStoreFromEnv(env: Env, sqlitePath: string): Promise<HelperStore> {
  const pg = url(env, 'FL_HELPER_DATABASE_URL');
  return pg ? openPgHelperStore(pg).catch(failed('FL_HELPER_DATABASE_URL')) : Promise.resolve(openHelperStore(env.FL_DB || sqlitePath));
}

// The URL holds the password: the message names the variable, never its value.
const failed = (name: string) => (err: unknown) => {
  throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
};
