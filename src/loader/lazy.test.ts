import { describe, expect, test, vi } from 'vitest';
import type { Store } from '../store';
import type { WorkerOptions } from '../worker/protocol';
import { createLazy, deleteDatabase, type LazyDeps } from './lazy';
import type { WorkerClient } from './worker-client';

const INIT: WorkerOptions = { modelUrl: 'https://cdn.example/model/model.json', syncUrl: null, backends: ['cpu'], dbName: 'shelfwise' };

function setup() {
  const log: string[] = [];
  const stores: { close: ReturnType<typeof vi.fn> }[] = [];
  const workers: { call: ReturnType<typeof vi.fn>; terminate: ReturnType<typeof vi.fn> }[] = [];
  const deps = {
    openStore: vi.fn(async () => {
      const store = { close: vi.fn(() => void log.push('close')) };
      stores.push(store);
      return store as unknown as Store;
    }),
    startWorker: vi.fn(() => {
      const worker = { call: vi.fn(async () => undefined), terminate: vi.fn(() => void log.push('terminate')) };
      workers.push(worker);
      return worker as unknown as WorkerClient;
    }),
    init: INIT,
    deleteDatabase: vi.fn(async () => void log.push('delete')),
    warn: vi.fn(),
  } satisfies LazyDeps;
  return { lazy: createLazy(deps), deps, log, stores, workers };
}

describe('createLazy', () => {
  test('opens the store once, on first use', async () => {
    const { lazy, deps } = setup();
    expect(deps.openStore).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([lazy.store(), lazy.store()]);
    expect(a).toBe(b);
    expect(deps.openStore).toHaveBeenCalledOnce();
  });

  test('starts the worker once, on first use, and sends it its options', () => {
    const { lazy, deps, workers } = setup();
    expect(lazy.running()).toBeNull();
    const worker = lazy.worker();
    expect(lazy.worker()).toBe(worker);
    expect(lazy.running()).toBe(worker);
    expect(deps.startWorker).toHaveBeenCalledOnce();
    expect(workers[0].call.mock.calls).toEqual([['init', INIT]]);
  });

  test('a failed init is reported', async () => {
    const { lazy, deps } = setup();
    const failure = new Error('worker failed: could not load');
    deps.startWorker.mockImplementationOnce(() => ({ call: () => Promise.reject(failure), terminate() {} }) as unknown as WorkerClient);
    lazy.worker();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(deps.warn).toHaveBeenCalledWith(failure);
  });

  test('forget() stops the worker, closes the store, then deletes the database; later uses start afresh', async () => {
    const { lazy, deps, log } = setup();
    lazy.worker();
    await lazy.store();
    await lazy.forget();
    expect(log).toEqual(['terminate', 'close', 'delete']);
    expect(lazy.running()).toBeNull();
    await lazy.store();
    lazy.worker();
    expect(deps.openStore).toHaveBeenCalledTimes(2);
    expect(deps.startWorker).toHaveBeenCalledTimes(2);
  });

  test('forget() deletes the database when nothing was started, or the store failed to open', async () => {
    const idle = setup();
    await idle.lazy.forget();
    expect(idle.log).toEqual(['delete']);

    const failed = setup();
    failed.deps.openStore.mockImplementationOnce(() => Promise.reject(new Error('blocked')));
    failed.lazy.store().catch(() => {});
    await failed.lazy.forget();
    expect(failed.log).toEqual(['delete']);
  });
});

describe('deleteDatabase', () => {
  test('resolves when the deletion succeeds or fails', async () => {
    for (const outcome of ['onsuccess', 'onerror'] as const) {
      const requests: Record<string, () => void>[] = [];
      const idb = {
        deleteDatabase: vi.fn(() => {
          const req: Record<string, () => void> = {};
          requests.push(req);
          return req as unknown as IDBOpenDBRequest;
        }),
      };
      let done = false;
      const deleting = deleteDatabase(idb, 'shelfwise').then(() => (done = true));
      await Promise.resolve();
      expect(done).toBe(false);
      requests[0][outcome]();
      await deleting;
      expect(idb.deleteDatabase).toHaveBeenCalledWith('shelfwise');
    }
  });
});
