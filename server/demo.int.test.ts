// `npm run serve` in two-aggregator mode: one command starts the helper and the leader as two
// processes, each with its own database (the helper's keys in its own), the leader talking to the
// helper with a shared token; stopping the command stops both.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import type { FlStatus } from '../src/sync/wire';
import { tempDir } from './fl/fl-test-helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const tables = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  } finally {
    db.close();
  }
};

test('one command, two processes, two databases; the leader reaches its helper; stopping the command stops both', async () => {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  const dbPath = join(tmp.dir, 'fl.db');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', FL_DB: dbPath, FL_HELPER_RETRY_SECONDS: '0.2' };
  delete env.FL_AGGREGATION;
  delete env.FL_HELPER_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/demo.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
      const port = /Shelfwise demo on http:\/\/\S+:(\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}):\n${out}`)));
  });
  expect(out).toMatch(/^\[helper\] Shelfwise helper aggregator on http:\/\/\S+:\d+$/m);

  let status: FlStatus | undefined;
  for (let i = 0; i < 100 && !status?.helper?.reachable; i++) {
    status = (await (await fetch(`${url}/api/fl/status`)).json()) as FlStatus;
    if (!status.helper?.reachable) await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toMatchObject({ aggregation: 'two-aggregator', helper: { reachable: true, lastError: null } });
  const helperUrl = status!.helper!.url;
  expect(helperUrl).not.toBe(url);
  // The helper takes posts from its leader only: the command gave the pair a token.
  const anonymous = await fetch(`${helperUrl}/api/fl/helper/aggregate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(anonymous.status).toBe(401);

  const helperDb = join(tmp.dir, 'fl-helper.db');
  expect(existsSync(dbPath) && existsSync(helperDb)).toBe(true);
  expect(tables(helperDb)).toContain('hpke_keys');
  expect(tables(dbPath)).not.toContain('hpke_keys');

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  await expect(fetch(`${helperUrl}/api/fl/helper/config`)).rejects.toThrow();
  await expect(fetch(`${url}/api/fl/status`)).rejects.toThrow();
}, 60_000);
