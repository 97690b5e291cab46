// The store and the ranking chunk, each loaded on first use: a page that never needs them (no
// consent, no history) never downloads them. Forgetting stops the ranking (and its learning
// worker) and deletes the database.
import type { Page } from '../rank-on-page';
import type { Store } from '../store';

export interface LazyDeps {
  openStore(): Promise<Store>;
  /** Loads the ranking chunk and creates the page's ranking, bound to `store`. */
  openPage(store: () => Promise<Store>): Promise<Page>;
  deleteDatabase(): Promise<void>;
}

interface Lazy {
  store(): Promise<Store>;
  page(): Promise<Page>;
  /** The page's ranking if it has been asked for, without loading it. */
  loaded(): Promise<Page> | null;
  /** Stops the ranking, closes the store and deletes the database; the next use starts afresh. */
  forget(): Promise<void>;
}

/** A promise whose failure, when nobody awaits it, never reaches the page as an unhandled rejection. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

export function createLazy(deps: LazyDeps): Lazy {
  let store: Promise<Store> | null = null;
  let page: Promise<Page> | null = null;
  let generation = 0;
  // A ranking still at work when everything is forgotten must not open (and so recreate) the database.
  const storeOf = (g: number) => () => (g === generation ? lazy.store() : Promise.reject(new Error('personalization was turned off')));
  const lazy: Lazy = {
    store: () => (store ??= quiet(deps.openStore())),
    page: () => (page ??= quiet(deps.openPage(storeOf(generation)))),
    loaded: () => page,
    async forget() {
      const [open, running] = [store, page];
      store = page = null;
      generation++;
      (await running?.catch(() => null))?.stop();
      // A store that failed to open has nothing to close; the database is deleted all the same.
      if (open) (await open.catch(() => null))?.close();
      await deps.deleteDatabase();
    },
  };
  return lazy;
}

/** Deletes a database; resolves either way (a failed deletion leaves nothing we could do). */
export function deleteDatabase(idb: Pick<IDBFactory, 'deleteDatabase'>, name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = idb.deleteDatabase(name);
    req.onsuccess = req.onerror = () => resolve();
  });
}
