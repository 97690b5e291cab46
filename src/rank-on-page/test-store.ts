// The store as the ranking chunk uses it, in memory, for tests in Node (which has no IndexedDB).
// Same contract as the IndexedDB store for these calls: values are structured-cloned on the way in
// and out, `undefined` deletes a state key, `recent` answers oldest first.
import type { StoredEvent } from '../shared/types';
import type { RecentOptions, Store } from '../store';

export type TestStore = Pick<Store, 'recent' | 'read' | 'count' | 'getState' | 'setState' | 'dismissed' | 'writes'> & {
  events: StoredEvent[];
  state: Map<string, unknown>;
  /** Writes events as `add` does: each gets the next id, and the call counts as a write. */
  write(events: StoredEvent[]): void;
  /** The records asked for by `recent` and `read`, as asked. */
  reads: RecentOptions[];
};

export function memoryStore(events: StoredEvent[] = []): TestStore {
  const state = new Map<string, unknown>();
  const all: StoredEvent[] = [];
  const reads: RecentOptions[] = [];
  let writes = 0;
  const write = (added: StoredEvent[]) => {
    writes++;
    added.forEach((e) => all.push({ ...e, id: all.length + 1 }));
  };
  write(events);
  return {
    events: all,
    state,
    write,
    reads,
    async recent(opts: RecentOptions = {}) {
      reads.push(opts);
      const { limit = Infinity, types, since = -Infinity, after = 0 } = opts;
      // In time order, as the store's ts index reads them.
      const byTime = all.slice().sort((a, b) => a.ts - b.ts || a.id! - b.id!);
      const matching = byTime.filter((e) => (!types || types.includes(e.type)) && e.ts >= since && e.id! > after);
      return structuredClone(matching.slice(Math.max(0, matching.length - limit)));
    },
    async read({ events, state: keys = [] }) {
      const state: Record<string, unknown> = {};
      for (const k of keys) if (this.state.has(k)) state[k] = structuredClone(this.state.get(k));
      return { writes, events: await this.recent(events), dismissed: await this.dismissed(), state };
    },
    async dismissed() {
      return [];
    },
    writes: () => writes,
    async count({ types } = {}) {
      return all.filter((e) => !types || types.includes(e.type)).length;
    },
    async getState<T>(key: string) {
      return state.has(key) ? (structuredClone(state.get(key)) as T) : undefined;
    },
    async setState(key, value) {
      writes++;
      if (value === undefined) state.delete(key);
      else state.set(key, structuredClone(value));
    },
  };
}
