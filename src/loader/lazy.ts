// The store and the model worker, each started on first use: a page that never needs them
// (no consent, no history) never downloads them. Forgetting stops both and deletes the database.
import type { Store } from '../store';
import type { WorkerOptions } from '../worker/protocol';
import type { WorkerClient } from './worker-client';

export interface LazyDeps {
  openStore(): Promise<Store>;
  startWorker(): WorkerClient;
  /** Sent to a worker once, when it starts. */
  init: WorkerOptions;
  deleteDatabase(): Promise<void>;
  warn(error: unknown): void;
}

interface Lazy {
  store(): Promise<Store>;
  worker(): WorkerClient;
  /** The worker if one has been started, without starting one. */
  running(): WorkerClient | null;
  /** Stops the worker, closes the store and deletes the database; the next use starts afresh. */
  forget(): Promise<void>;
}

export function createLazy(deps: LazyDeps): Lazy {
  let store: Promise<Store> | null = null;
  let worker: WorkerClient | null = null;
  return {
    store: () => (store ??= deps.openStore()),
    worker() {
      if (!worker) {
        worker = deps.startWorker();
        worker.call('init', deps.init).catch(deps.warn);
      }
      return worker;
    },
    running: () => worker,
    async forget() {
      worker?.terminate();
      worker = null;
      const open = store;
      store = null;
      // A store that failed to open has nothing to close; the database is deleted all the same.
      if (open) (await open.catch(() => null))?.close();
      await deps.deleteDatabase();
    },
  };
}

/** Deletes a database; resolves either way (a failed deletion leaves nothing we could do). */
export function deleteDatabase(idb: Pick<IDBFactory, 'deleteDatabase'>, name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = idb.deleteDatabase(name);
    req.onsuccess = req.onerror = () => resolve();
  });
}
