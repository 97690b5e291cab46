// Runs a tool the way a user does (`node tools/run.mjs <tool> ...`) and returns what it printed.
// The call is synchronous, so a test's own timeout cannot stop it: a tool that hangs is killed at
// `timeoutMs` and fails the test with its output so far, instead of stalling the whole suite.
import { execFileSync } from 'node:child_process';

export function runTool(args: readonly string[], timeoutMs = 200_000): string {
  try {
    return execFileSync('node', ['tools/run.mjs', ...args], { encoding: 'utf8', stdio: 'pipe', timeout: timeoutMs, killSignal: 'SIGKILL' });
  } catch (err) {
    const e = err as Error & { code?: string; stdout?: string; stderr?: string };
    if (e.code !== 'ETIMEDOUT') throw err;
    throw new Error(`node tools/run.mjs ${args.join(' ')} did not finish in ${timeoutMs / 1000} s; it printed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}
