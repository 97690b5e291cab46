import { describe, expect, test, vi } from 'vitest';
import type { Page } from '../rank-on-page';
import type { Store } from '../store';
import { createLazy, deleteDatabase, type LazyDeps } from './lazy';

function setup() {
  const log: string[] = [];
  const stores: { close: ReturnType<typeof vi.fn> }[] = [];
  const pages: { stop: ReturnType<typeof vi.fn>; store: () => Promise<Store> }[] = [];
  const deps = {
    openStore: vi.fn(async () => {
      const store = { close: vi.fn(() => void log.push('close')) };
      stores.push(store);
      return store as unknown as Store;
    }),
    openPage: vi.fn(async (store: () => Promise<Store>) => {
      const page = { stop: vi.fn(() => void log.push('stop')), store };
      pages.push(page);
      return page as unknown as Page;
    }),
    deleteDatabase: vi.fn(async () => void log.push('delete')),
  } satisfies LazyDeps;
  return { lazy: createLazy(deps), deps, log, stores, pages };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createLazy', () => {
  test('opens the store once, on first use', async () => {
    const { lazy, deps } = setup();
    expect(deps.openStore).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([lazy.store(), lazy.store()]);
    expect(a).toBe(b);
    expect(deps.openStore).toHaveBeenCalledOnce();
  });

  test("loads the ranking once, on first use, bound to the lazy store; loaded() never loads it", async () => {
    const { lazy, deps, pages, stores } = setup();
    expect(lazy.loaded()).toBeNull();
    const page = lazy.page();
    expect(lazy.page()).toBe(page);
    expect(lazy.loaded()).toBe(page);
    await page;
    expect(deps.openPage).toHaveBeenCalledOnce();
    expect(deps.openStore).not.toHaveBeenCalled();
    expect(await pages[0].store()).toBe(await lazy.store());
    expect(stores).toHaveLength(1);
  });

  test('a failed load is not an unhandled rejection; it is the answer to those who ask', async () => {
    const { lazy, deps } = setup();
    const failure = new Error('chunk failed');
    deps.openPage.mockImplementationOnce(() => Promise.reject(failure));
    deps.openStore.mockImplementationOnce(() => Promise.reject(failure));
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      lazy.page();
      lazy.store();
      await tick();
      expect(unhandled).not.toHaveBeenCalled();
      await expect(lazy.page()).rejects.toBe(failure);
      await expect(lazy.store()).rejects.toBe(failure);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  test('forget() stops the ranking, closes the store, then deletes the database; later uses start afresh', async () => {
    const { lazy, deps, log, pages } = setup();
    await lazy.page();
    await lazy.store();
    await lazy.forget();
    expect(log).toEqual(['stop', 'close', 'delete']);
    expect(lazy.loaded()).toBeNull();
    // The old ranking cannot reopen (and so recreate) the database.
    await expect(pages[0].store()).rejects.toThrow(/turned off/);
    expect(deps.openStore).toHaveBeenCalledOnce();
    await lazy.store();
    await lazy.page();
    expect(deps.openStore).toHaveBeenCalledTimes(2);
    expect(deps.openPage).toHaveBeenCalledTimes(2);
    expect(await pages[1].store()).toBe(await lazy.store());
  });

  test('forget() deletes the database when nothing was started, or the store or ranking failed to load', async () => {
    const idle = setup();
    await idle.lazy.forget();
    expect(idle.log).toEqual(['delete']);

    const failed = setup();
    failed.deps.openStore.mockImplementationOnce(() => Promise.reject(new Error('blocked')));
    failed.deps.openPage.mockImplementationOnce(() => Promise.reject(new Error('chunk failed')));
    failed.lazy.store();
    failed.lazy.page();
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
