// A slot's ranking on the page: the shopper's history and personal vector from the store, the
// model's scores, and afterwards (once the shelf has had its task) what the next page and the
// learning need: the scores, kept for a page whose model is not ready yet, and the offered items,
// the negatives on-device learning learns from.
import type { ItemLike } from '../model/plain/features';
import type { StoredEvent } from '../shared/types';
import { PERSONAL_KEY, scoresKey } from '../shared/storage-keys';
import type { Store } from '../store';
import { HISTORY_READ, toModelEvents, type HistoryEvent } from '../worker/history';
import { rankingVector, rememberOffered, type PersonalState } from '../worker/personal';
import { withContext } from './context';
import type { LoadedModel } from './load';

type RankStore = Pick<Store, 'recent' | 'getState' | 'setState' | 'dismissed'>;

export interface RankingDeps {
  store(): Promise<RankStore>;
  model(): Promise<LoadedModel>;
  /** Runs `fn` in a later task: the shelf is rendered in this one. */
  later(fn: () => void): void;
  warn(error: unknown): void;
}

/** Scores and what went into them. */
interface Ranked {
  scores: Float32Array;
  history: readonly HistoryEvent[];
  /** Milliseconds from the call to the scores: history and personal vector read, model run. */
  ms: number;
}

interface Ranking {
  /** Starts reading the history now, before there is anything to rank: a ranking then reads only
   *  the records added since (the read of a few hundred records is most of a ranking's time). */
  prefetch(): void;
  /** Scores aligned with `items`, higher first; `context`: a cross-sell shelf's items to go with,
   *  ranked after as the newest events (context.ts). */
  rank(key: string, items: readonly ItemLike[], context?: readonly string[]): Promise<Ranked>;
  /** Resolves when what rankings so far keep has been written. */
  written(): Promise<void>;
}

/** The newest HISTORY_READ records: `known` (an earlier read, or none) topped up with the records
 *  written since, by id (a page writes events carried over from the page before with their own,
 *  earlier times). Records never change once written. */
async function newestRecords(store: RankStore, known: StoredEvent[] | null): Promise<StoredEvent[]> {
  if (!known) return store.recent({ limit: HISTORY_READ });
  const added = await store.recent({ after: Math.max(0, ...known.map((e) => e.id ?? 0)) });
  return added.length ? [...known, ...added].sort((a, b) => a.ts - b.ts || (a.id ?? 0) - (b.id ?? 0)).slice(-HISTORY_READ) : known;
}

export function createRanking(deps: RankingDeps): Ranking {
  // The latest read; the next one only tops it up. Null before the first, or after one failed.
  let records: Promise<StoredEvent[] | null> = Promise.resolve(null);
  const history = () => {
    const next = Promise.all([deps.store(), records]).then(([store, known]) => newestRecords(store, known));
    records = next.catch(() => null);
    return next;
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
      history().catch(() => {});
    },
    async rank(key, items, context = []) {
      const started = performance.now();
      const store = await deps.store();
      // The store is read while the model may still be loading.
      const [model, newest, personal, dismissed] = await Promise.all([deps.model(), history(), store.getState<PersonalState>(PERSONAL_KEY), store.dismissed()]);
      const events = withContext(toModelEvents(newest), context);
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
