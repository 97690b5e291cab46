// Test support: a throwaway PostgreSQL server — a cluster made by initdb in a temporary directory,
// listening on a free loopback port, removed afterwards. PostgreSQL refuses to run as root, so
// under root it runs as the `postgres` system user Debian's package creates. Without the server's
// binaries the tests fail, saying what to install: they are never skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** postgres:// URL of a database made for the caller. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install Debian\'s "postgresql" package (.ci/run does)');
  }
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-pg-'));
  const root = process.getuid?.() === 0;
  const owner = root ? (() => {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('running as root, PostgreSQL needs the "postgres" system user (Debian\'s postgresql package creates it)');
    return { uid: Number(id.stdout.trim()), gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()) };
  })() : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (cmd: string, args: string[]) => (owner ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, cmd), args, { stdio: 'pipe' }));
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    as('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale']);
    as('pg_ctl', [
      '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB`,
      'start',
    ]);
  } catch (err) {
    const log = existsSync(join(dir, 'log')) ? execFileSync('cat', [join(dir, 'log')], { encoding: 'utf8' }) : '';
    rmSync(dir, { recursive: true, force: true });
    const out = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${out}\n${log}`, { cause: err });
  }
  const base = `postgres://postgres@127.0.0.1:${port}`;
  let stopped = false;
  return {
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bytes the database takes on disk (tables, indexes and TOAST). */
export async function databaseBytes(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CHECKPOINT').catch(() => {});
    return Number((await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
  } finally {
    await c.end();
  }
}
