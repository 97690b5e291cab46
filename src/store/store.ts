import type { EventName, StoredEvent } from '../shared/types';
import { connect } from './connection';
import { enforceBounds } from './bounds';
import { inTx } from './transaction';
import { cleanEvent } from './validate';

export interface StoreOptions {
  /** Default 'shelfwise'. */
  dbName?: string;
  /** Most records kept; the oldest go first. Default 2000. */
  maxEvents?: number;
  /** Records older than this are deleted on open and on every add. Default 90. */
  maxAgeDays?: number;
  /** Clock for ages (tests). Default Date.now. */
  now?: () => number;
}

export interface RecentOptions {
  /** Newest `limit` matching records. Default: all. */
  limit?: number;
  /** Only these types. Default: all. */
  types?: EventName[];
  /** Only records with ts >= since. */
  since?: number;
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
  count(opts?: { types?: EventName[] }): Promise<number>;
  getState<T>(key: string): Promise<T | undefined>;
  /** Structured-cloned (typed arrays and ArrayBuffers included); `undefined` deletes the key. */
  setState(key: string, value: unknown): Promise<void>;
  /** Later calls reject. */
  close(): void;
}

const DAY_MS = 864e5;
const MAX_REASONS = 5;

function check(ok: boolean, message: string): void {
  if (!ok) throw new TypeError(`shelfwise store: ${message}`);
}

const checkTypes = (types: unknown) => check(!types || Array.isArray(types), 'types must be an array');

/** Opens (creating or migrating) the database and prunes it to its bounds. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const { dbName = 'shelfwise', maxEvents = 2000, maxAgeDays = 90, now = Date.now } = opts;
  check(Number.isInteger(maxEvents) && maxEvents > 0 && maxAgeDays > 0, 'maxEvents and maxAgeDays must be > 0');

  const cutoff = () => now() - maxAgeDays * DAY_MS;
  const conn = connect(dbName, (db) =>
    inTx(db, 'events', 'readwrite', (tx) => enforceBounds(tx.store, maxEvents, cutoff())),
  );
  await conn.run(async () => {});

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
      if (valid.length) {
        await conn.run((db) =>
          inTx(db, 'events', 'readwrite', (tx) =>
            Promise.all([...valid.map((e) => tx.store.add(e)), enforceBounds(tx.store, maxEvents, limit)]),
          ),
        );
      }
      const result: AddResult = { added: valid.length, rejected: reasons.length };
      if (reasons.length) {
        const listed = reasons.slice(0, MAX_REASONS).join('; ');
        result.error = new Error(`shelfwise store: rejected ${reasons.length} of ${events.length} events: ${listed}`);
      }
      return result;
    },

    async recent({ limit = Infinity, types, since = -Infinity } = {}) {
      check(limit >= 0 && since === since, 'limit must be >= 0 and since a number');
      checkTypes(types);
      const all = await conn.run((db) =>
        inTx(db, 'events', 'readonly', (tx) => tx.store.index('ts').getAll(IDBKeyRange.lowerBound(since))),
      );
      const matching = types ? all.filter((e) => types.includes(e.type)) : all;
      return matching.slice(Math.max(0, matching.length - limit));
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

    async getState<T>(key: string) {
      return conn.run((db) => inTx(db, 'state', 'readonly', (tx) => tx.store.get(key))) as Promise<T | undefined>;
    },

    async setState(key, value) {
      await conn.run((db) =>
        inTx(db, 'state', 'readwrite', (tx) => (value === undefined ? tx.store.delete(key) : tx.store.put(value, key)) as Promise<unknown>),
      );
    },

    close: () => conn.close(),
  };
}
