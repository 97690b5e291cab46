// Talks to the learning worker. A worker script on another origin (a CDN) cannot be started
// directly, so it is wrapped in a same-origin blob module that imports it.
import type { Calls, Request, Response } from '../worker/protocol';

export interface WorkerClient {
  call<K extends keyof Calls>(call: K, ...args: Parameters<Calls[K]>): Promise<ReturnType<Calls[K]>>;
  terminate(): void;
}

function spawn(url: string): Worker {
  if (new URL(url).origin === location.origin) return new Worker(url, { type: 'module' });
  const shim = new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(shim), { type: 'module' });
}

export function startWorker(url: string): WorkerClient {
  const worker = spawn(url);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 1;
  let dead: Error | null = null;
  const failAll = (error: Error) => {
    dead = error;
    pending.forEach((p) => p.reject(error));
    pending.clear();
  };
  worker.onmessage = (event: MessageEvent<Response>) => {
    const reply = event.data;
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(reply.error));
  };
  worker.onerror = (event) => {
    event.preventDefault(); // keep it out of the page's console and error handlers
    failAll(new Error(`worker failed: ${event.message || 'could not load'}`));
  };
  return {
    call(call, ...args) {
      if (dead) return Promise.reject(dead);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, call, args } as Request);
      });
    },
    terminate() {
      worker.terminate();
      failAll(new Error('worker stopped'));
    },
  };
}
