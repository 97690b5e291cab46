// `npm run serve` (and `npm start`): the demo as its aggregators run in production, as separate
// processes. In two-aggregator mode (the default) it starts the helper — its own process, database
// (FL_HELPER_DB, default: FL_DB with "-helper", or .data/fl-helper-<model>.db) and keys, on a
// loopback port of its own (FL_HELPER_PORT, default any free one) — then the leader, which serves
// the storefront on PORT and talks to the helper; with FL_HELPER_URL set, the helper runs elsewhere
// and only the leader starts. FL_AGGREGATION=central starts the one central server. Either process
// ending ends the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const MAIN = path.join(import.meta.dirname, 'main.ts');
const children: ChildProcess[] = [];
let stopping = false;

function start(name: string, env: NodeJS.ProcessEnv, onListening?: (port: number) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const prefix = name === 'helper' ? '[helper] ' : '';
  let seen = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    process.stdout.write(prefix ? text.replace(/^(?=.)/gm, prefix) : text);
    seen += text;
    const port = /on http:\/\/\S+:(\d+)/.exec(seen)?.[1];
    if (port && onListening) {
      onListening(Number(port));
      onListening = undefined;
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix ? chunk.toString().replace(/^(?=.)/gm, prefix) : chunk));
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${signal ?? code}); stopping the demo`);
    stop(code ?? 1);
  });
  return child;
}

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (alive.length === 0) process.exit(code);
  let left = alive.length;
  for (const c of alive) {
    c.once('exit', () => --left === 0 && process.exit(code));
    c.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 5000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));

const env = process.env;
if ((env.FL_AGGREGATION ?? '').trim() === 'central' || env.FL_HELPER_URL) {
  start('server', env);
} else {
  // A fresh secret for this pair: only this leader may post to this helper.
  const token = env.FL_HELPER_TOKEN || randomBytes(24).toString('base64url');
  const helperDb = env.FL_HELPER_DB || (env.FL_DB ? env.FL_DB.replace(/(\.db)?$/, '-helper.db') : '');
  const helperEnv: NodeJS.ProcessEnv = { ...env, FL_ROLE: 'helper', FL_HELPER_TOKEN: token, PORT: env.FL_HELPER_PORT ?? '0', HOST: '127.0.0.1', FL_DB: helperDb };
  start('helper', helperEnv, (port) => start('leader', { ...env, FL_ROLE: 'leader', FL_HELPER_TOKEN: token, FL_HELPER_URL: `http://127.0.0.1:${port}` }));
}
