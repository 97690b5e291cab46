// Test and benchmark support, never shipped: a server as its own Node process, so that a test can kill it with
// SIGKILL at any point, as a crash or an operator would, and start it again on the same database.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

/** The processes a test file started; `killAll` in its afterEach. */
export function serverProcesses(root: string) {
  const children = new Set<ChildProcess>();

  /** `node --import tsx <entry>` with `env`; resolves once it says where it listens. */
  function start(entry: string, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        const port = /on http:\/\/\S+:(\d+)/.exec(out)?.[1];
        if (port) resolve({ url: `http://127.0.0.1:${port}`, child });
      });
      child.stderr!.on('data', (c: Buffer) => (out += c));
      child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening:\n${out}`)));
    });
  }

  function kill(child: ChildProcess): Promise<void> {
    children.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  const killAll = async () => {
    for (const child of [...children]) await kill(child);
  };
  return { start, kill, killAll };
}
