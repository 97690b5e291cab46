// A slot's ranking on the page: the shopper's history and personal vector from the store, the
// model's scores, and afterwards (once the shelf has had its task) what the next page and the
// learning need: the scores, kept for a page whose model is not ready yet, and the offered items,
// the negatives on-device learning learns from.
import type { ItemLike } from '../model/plain/features';
import type { DismissedItem, StoredEvent } from '../shared/types';
import { PERSONAL_KEY, scoresKey } from '../shared/storage-keys';
import type { Reading, Store } from '../store';
import { HISTORY_READ, toModelEvents, type HistoryEvent } from '../worker/history';
import { rankingVector, rememberOffered, type PersonalState } from '../worker/personal';
import { withContext } from './context';
import type { LoadedModel } from './load';

type RankStore = Pick<Store, 'read' | 'getState' | 'setState' | 'writes'>;

export interface RankingDeps {
  store(): Promise<RankStore>;
  model(): Promise<LoadedModel>;
  /** Runs `fn` in a later task: the shelf is rendered in this one. */
  later(fn: () => void): void;
  /** Whether this page's store is the only writer so far (no learning worker has started): a read
   *  is then current for as long as the store has begun no write since. */
  alone(): boolean;
  warn(error: unknown): void;
}

/** Scores and what went into them. */
interface Ranked {
  scores: Float32Array;
  history: readonly HistoryEvent[];
  /** Milliseconds from the call to the scores: the store read, model run. */
  ms: number;
}

interface Ranking {
  /** Reads the history, the dismissed items and the personal state now, before there is anything
   *  to rank (idempotent): a ranking then reads only the records added since, with the dismissed
   *  items and the personal state, in one small transaction (the read of a few hundred records is
   *  most of a ranking's time), or nothing at all while the page's store has begun no write since
   *  and no learning worker has started. */
  prefetch(): void;
  /** Scores aligned with `items`, higher first; `context`: a cross-sell shelf's items to go with,
   *  ranked after as the newest events (context.ts). */
  rank(key: string, items: readonly ItemLike[], context?: readonly string[]): Promise<Ranked>;
  /** Resolves when what rankings so far keep has been written. */
  written(): Promise<void>;
}

/** What a ranking reads: the newest HISTORY_READ records, the dismissed items, the personal state. */
interface Inputs {
  /** The store's `writes()` when they were read. */
  writes: number;
  records: StoredEvent[];
  dismissed: DismissedItem[];
  personal: PersonalState | undefined;
}

const personalOf = (r: Reading) => r.state[PERSONAL_KEY] as PersonalState | undefined;

const full = (store: RankStore): Promise<Inputs> =>
  store.read({ events: { limit: HISTORY_READ }, state: [PERSONAL_KEY] }).then((r) => ({ writes: r.writes, records: r.events, dismissed: r.dismissed, personal: personalOf(r) }));

/** `base` brought up to date in one transaction: the records written since it was read, by id (a
 *  page writes events carried over from the page before with their own, earlier times; records
 *  never change once written), the dismissed items and the personal state of now. */
async function topUp(store: RankStore, base: Inputs): Promise<Inputs> {
  const now = await store.read({ events: { after: Math.max(0, ...base.records.map((e) => e.id ?? 0)) }, state: [PERSONAL_KEY] });
  const records = now.events.length ? [...base.records, ...now.events].sort((a, b) => a.ts - b.ts || (a.id ?? 0) - (b.id ?? 0)).slice(-HISTORY_READ) : base.records;
  return { writes: now.writes, records, dismissed: now.dismissed, personal: personalOf(now) };
}

export function createRanking(deps: RankingDeps): Ranking {
  // The first read, made once, then each newer one: what the next ranking brings up to date. Null
  // when the first failed: a ranking then reads everything itself.
  let latest: Promise<Inputs | null> | null = null;
  // The top-up on its way. Rankings that start before it is answered share it: their shelves then
  // render in the same task and the page paints them in one frame, where separate reads would
  // each be answered a task (often a frame) after the other.
  let pending: Promise<Inputs> | null = null;
  const read = (): Promise<Inputs> => {
    if (!latest) {
      const made = deps.store().then(full);
      latest = made.catch(() => null);
      return made;
    }
    if (pending) return pending;
    const now = (async () => {
      const [store, base] = await Promise.all([deps.store(), latest]);
      // Nothing written since the last read: no round trip to the database between a shelf's
      // candidates and its order (12-18 ms each on a loading page here).
      if (base && store.writes() === base.writes && deps.alone()) return base;
      const fresh = await (base ? topUp(store, base) : full(store));
      latest = Promise.resolve(fresh);
      return fresh;
    })();
    pending = now;
    const done = () => void (pending === now && (pending = null));
    now.then(done, done);
    return now;
  };
  // One write at a time: the offered items are read, merged and written back.
  let writes: Promise<void> = Promise.resolve();
  const keep = (store: RankStore, key: string, items: readonly ItemLike[], scores: Float32Array) => {
    const byId: Record<string, number> = {};
    items.forEach((c, i) => (byId[c.item_id] = scores[i]));
    const offered = items.map(({ item_id, category = '', brand = '' }) => ({ item_id, category, brand }));
    writes = writes
      .then(() => store.setState(scoresKey(key), { at: Date.now(), scores: byId }))
      .then(() => rememberOffered(store, offered))
      .catch(deps.warn);
  };
  return {
    prefetch() {
      if (!latest) read().catch(() => {});
    },
    async rank(key, items, context = []) {
      const started = performance.now();
      const store = await deps.store();
      // The store is read while the model may still be loading.
      const [model, { records, dismissed, personal }] = await Promise.all([deps.model(), read()]);
      const events = withContext(toModelEvents(records), context);
      // The personal vector with the shopper's dismissals of the moment (model/plain/dismissals.ts).
      const vector = rankingVector(personal?.modelVersion === model.version ? personal : undefined, dismissed, model.ranker);
      const scores = model.ranker.score(events, items, vector);
      const ms = performance.now() - started;
      deps.later(() => keep(store, key, items, scores));
      return { scores, history: events, ms };
    },
    written: () => writes,
  };
}
