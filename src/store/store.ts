import { DISMISS_EVENT } from '../shared/events';
import type { DismissedItem, EventName, StoredEvent } from '../shared/types';
import type { IDBPObjectStore, StoreNames } from 'idb';
import { connect } from './connection';
import type { DB, ShelfwiseDB } from './schema';
import { enforceBounds } from './bounds';
import { newestIn } from './newest';
import { inTx, inTxOf } from './transaction';
import { cleanEvent } from './validate';

export interface StoreOptions {
  /** Default 'shelfwise'. */
  dbName?: string;
  /** Most records kept; the oldest go first. Default 2000. */
  maxEvents?: number;
  /** Records older than this are deleted on every add and after the open (see `maintain`), and
   *  never read. Default 90. */
  maxAgeDays?: number;
  /** Most dismissed items kept; the oldest dismissal goes first. Default 500. */
  maxDismissed?: number;
  /** Clock for ages (tests). Default Date.now. */
  now?: () => number;
  /** A connection the page opened while this code downloaded (src/loader/early-open.ts), used if
   *  it is to this database at this schema version and still open; otherwise the store opens its own. */
  early?: Promise<EarlyConnection | null>;
  /** Where the open's pruning runs (the records and dismissals over their bounds deleted). Default:
   *  before the store is returned. A page passes its idle callback: pruning is a read-write
   *  transaction over the events, and every read asked after it would wait for its commit (9-35 ms
   *  on a slow machine, between a shelf's candidates and the shelf). */
  maintain?: (prune: () => void) => void;
}

export interface EarlyConnection {
  db: IDBDatabase;
  /** The database was deleted while the page held the connection: the store must not recreate it. */
  deleted: boolean;
}

export interface RecentOptions {
  /** Newest `limit` matching records. Default: all. */
  limit?: number;
  /** Only these types. Default: all. */
  types?: EventName[];
  /** Only records with ts >= since. */
  since?: number;
  /** Only records written after the one with this id (ids only grow): what was added since an
   *  earlier read, whatever their times. */
  after?: number;
}

/** What `read` reads together. */
export interface ReadOptions {
  /** The records `recent(events)` would answer. */
  events: RecentOptions;
  /** Keys of the state area. Default: none. */
  state?: string[];
}

export interface Reading {
  /** `writes()` when the read began: it saw every write this store had begun by then. */
  writes: number;
  events: StoredEvent[];
  /** As `dismissed()` answers them. */
  dismissed: DismissedItem[];
  /** The asked keys that hold a value. */
  state: Record<string, unknown>;
}

/** Valid records are stored even when others in the same call are not: one bad record from a
 *  page's tags must not cost the shopper the rest. `error` says which were rejected and why. */
export interface AddResult {
  added: number;
  rejected: number;
  error?: Error;
}

export interface Store {
  /** One transaction, which also enforces the bounds. */
  add(events: readonly StoredEvent[]): Promise<AddResult>;
  /** Returned oldest -> newest. */
  recent(opts?: RecentOptions): Promise<StoredEvent[]>;
  /** The records held, with any past their age that pruning has not deleted yet (see `maintain`). */
  count(opts?: { types?: EventName[] }): Promise<number>;
  /** Records, the dismissed items and state keys in one transaction: one consistent view, for one
   *  round trip to the database instead of one per part (a page's ranking reads all three). */
  read(opts: ReadOptions): Promise<Reading>;
  /** Dismissed items, oldest dismissal first. */
  dismissed(): Promise<DismissedItem[]>;
  /** Everything the database holds, read in one transaction (the shopper's "Your data"). */
  dump(): Promise<StoreDump>;
  getState<T>(key: string): Promise<T | undefined>;
  /** Structured-cloned (typed arrays and ArrayBuffers included); `undefined` deletes the key. */
  setState(key: string, value: unknown): Promise<void>;
  /** How many writes (`add`, `setState`) this store has begun. IndexedDB runs a read after every
   *  write begun before it on the same data, so a read that began at the same count would answer
   *  the same, but for what other pages and workers wrote meanwhile. */
  writes(): number;
  /** Later calls reject. */
  close(): void;
}

export interface StoreDump {
  events: StoredEvent[];
  dismissed: DismissedItem[];
  /** The state area's entries, by key. */
  state: Record<string, unknown>;
}

const DAY_MS = 864e5;
const MAX_REASONS = 5;

function check(ok: boolean, message: string): void {
  if (!ok) throw new TypeError(`shelfwise store: ${message}`);
}

const checkTypes = (types: unknown) => check(!types || Array.isArray(types), 'types must be an array');

/** Opens (creating or migrating) the database and prunes it to its bounds. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const { dbName = 'shelfwise', maxEvents = 2000, maxAgeDays = 90, maxDismissed = 500, now = Date.now, maintain } = opts;
  check(Number.isInteger(maxEvents) && maxEvents > 0 && maxAgeDays > 0, 'maxEvents and maxAgeDays must be > 0');
  check(Number.isInteger(maxDismissed) && maxDismissed > 0, 'maxDismissed must be > 0');

  const cutoff = () => now() - maxAgeDays * DAY_MS;
  // Until pruning has run, a record past its age may still be there: no read answers it.
  const current = (o: RecentOptions): RecentOptions => ({ ...o, since: Math.max(o.since ?? -Infinity, cutoff()) });
  // A dismissal is kept as long as an event would be: the same age limit, and a bounded list.
  const prune = (db: DB) =>
    inTxOf(db, ['events', 'dismissed'], 'readwrite', (tx) =>
      Promise.all([enforceBounds(tx.objectStore('events'), maxEvents, cutoff()), enforceBounds(tx.objectStore('dismissed'), maxDismissed, cutoff())]).then(() => {}),
    );
  // Each (re)open prunes: at once, or when the caller's `maintain` runs it (a failure then waits
  // for the next add or open; nothing is lost).
  const conn = connect(dbName, opts.early ?? null, maintain ? async (db) => maintain(() => void prune(db).catch(() => {})) : prune);
  await conn.run(async () => {});
  let begun = 0;
  // The dismissed items of the newest read, and the count of writes begun when it was asked (it
  // sees at least those): a page asks for them again, to hide them from a shelf's candidates, right
  // after its ranking's read, and IndexedDB would answer the same a round trip later, but for
  // other tabs' writes.
  let seen: { writes: number; dismissed: Promise<DismissedItem[] | null> } | null = null;
  // A copy: what a caller does with its answer never changes a later one. A failed read is not kept.
  const see = (dismissed: Promise<DismissedItem[]>) => void (seen = { writes: begun, dismissed: dismissed.then((d) => d.slice(), () => null) });
  const dismissedIn = (tx: { objectStore(name: 'dismissed'): { index(name: 'ts'): { getAll(range: IDBKeyRange): Promise<DismissedItem[]> } } }) =>
    tx.objectStore('dismissed').index('ts').getAll(IDBKeyRange.lowerBound(cutoff()));

  return {
    async add(events) {
      check(Array.isArray(events), 'add() takes an array of events');
      const limit = cutoff();
      const valid: StoredEvent[] = [];
      const reasons: string[] = [];
      events.forEach((e, i) => {
        let clean: StoredEvent | string;
        try {
          clean = cleanEvent(e, limit);
        } catch {
          clean = 'unreadable';
        }
        if (typeof clean === 'string') reasons.push(`#${i}: ${clean}`);
        else valid.push(clean);
      });
      const dismissals = valid.filter((e) => e.type === DISMISS_EVENT).map(dismissedItem);
      if (valid.length) {
        await conn.run((db) =>
          inTxOf(db, ['events', 'dismissed'], 'readwrite', (tx) => {
            begun++;
            const events = tx.objectStore('events');
            const writes: Promise<unknown>[] = [...valid.map((e) => events.add(e)), enforceBounds(events, maxEvents, limit)];
            if (dismissals.length) {
              const dismissed = tx.objectStore('dismissed');
              // put, not add: dismissing an item again only renews its date.
              writes.push(...dismissals.map((d) => dismissed.put(d)), enforceBounds(dismissed, maxDismissed, limit));
            }
            return Promise.all(writes);
          }),
        );
      }
      const result: AddResult = { added: valid.length, rejected: reasons.length };
      if (reasons.length) {
        const listed = reasons.slice(0, MAX_REASONS).join('; ');
        result.error = new Error(`shelfwise store: rejected ${reasons.length} of ${events.length} events: ${listed}`);
      }
      return result;
    },

    async recent(opts = {}) {
      checkRecent(opts);
      return conn.run((db) => inTx(db, 'events', 'readonly', (tx) => recentIn(tx.store, current(opts))));
    },

    async count({ types } = {}) {
      checkTypes(types);
      return conn.run((db) =>
        inTx(db, 'events', 'readonly', async (tx) => {
          if (!types) return tx.store.count();
          const byType = tx.store.index('type');
          const counts = await Promise.all([...new Set(types)].map((t) => byType.count(t)));
          return counts.reduce((a, b) => a + b, 0);
        }),
      );
    },

    async read({ events: opts, state: keys = [] }) {
      checkRecent(opts);
      check(Array.isArray(keys) && keys.every((k) => typeof k === 'string'), 'state must be an array of keys');
      const names: StoreNames<ShelfwiseDB>[] = keys.length ? ['events', 'dismissed', 'state'] : ['events', 'dismissed'];
      let writes = 0;
      const reading = conn.run((db) => {
        writes = begun;
        const tx = db.transaction(names, 'readonly');
        // The answers are complete once every request has succeeded; waiting for the commit too
        // would cost the page one more task. A failure rejects its request, so none is lost here.
        tx.done.catch(() => {});
        return Promise.all([
          recentIn(tx.objectStore('events'), current(opts)),
          dismissedIn(tx),
          Promise.all(keys.map((k) => tx.objectStore('state').get(k))),
        ]);
      });
      see(reading.then((r) => r[1]));
      const [events, dismissed, values] = await reading;
      const state: Record<string, unknown> = {};
      keys.forEach((k, i) => values[i] !== undefined && (state[k] = values[i]));
      return { writes, events, dismissed, state };
    },

    async dismissed() {
      const last = seen;
      const kept = last?.writes === begun ? await last.dismissed : null;
      if (kept) return kept.slice();
      const reading = conn.run((db) => inTxOf(db, ['dismissed'], 'readonly', (tx) => dismissedIn(tx)));
      see(reading);
      return reading;
    },

    async dump() {
      return conn.run((db) =>
        inTxOf(db, ['events', 'dismissed', 'state'], 'readonly', async (tx) => {
          const state = tx.objectStore('state');
          const [events, dismissed, keys, values] = await Promise.all([
            tx.objectStore('events').index('ts').getAll(),
            tx.objectStore('dismissed').index('ts').getAll(),
            state.getAllKeys(),
            state.getAll(),
          ]);
          return { events, dismissed, state: Object.fromEntries(keys.map((k, i) => [k, values[i]])) };
        }),
      );
    },

    async getState<T>(key: string) {
      return conn.run((db) => inTx(db, 'state', 'readonly', (tx) => tx.store.get(key))) as Promise<T | undefined>;
    },

    async setState(key, value) {
      await conn.run((db) =>
        inTx(db, 'state', 'readwrite', (tx) => {
          begun++;
          return (value === undefined ? tx.store.delete(key) : tx.store.put(value, key)) as Promise<unknown>;
        }),
      );
    },

    writes: () => begun,
    close: () => conn.close(),
  };
}

function dismissedItem(e: StoredEvent): DismissedItem {
  const { item_id, category, brand, name, ts, slot } = e;
  return { item_id, category, brand, ts, ...(name === undefined ? {} : { name }), ...(slot === undefined ? {} : { slot }) };
}

function checkRecent({ limit = Infinity, types, since = -Infinity, after }: RecentOptions): void {
  check(limit >= 0 && since === since && (after === undefined || after === after), 'limit must be >= 0, since and after numbers');
  checkTypes(types);
}

type EventsStore = IDBPObjectStore<ShelfwiseDB, StoreNames<ShelfwiseDB>[], 'events', 'readonly'>;

/** `recent` inside the caller's transaction. */
async function recentIn(events: EventsStore, { limit = Infinity, types, since = -Infinity, after }: RecentOptions): Promise<StoredEvent[]> {
  let all: StoredEvent[];
  if (after !== undefined) {
    const added = await events.getAll(IDBKeyRange.lowerBound(after, true));
    all = added.filter((e) => e.ts >= since).sort((a, b) => a.ts - b.ts || a.id! - b.id!);
  } else if (!types && limit < Infinity) {
    return newestIn(events.index('ts'), since, limit);
  } else {
    all = await events.index('ts').getAll(IDBKeyRange.lowerBound(since));
  }
  const matching = types ? all.filter((e) => types.includes(e.type)) : all;
  return matching.slice(Math.max(0, matching.length - limit));
}
