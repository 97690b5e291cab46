// The outbox across pages of one tab: on pagehide, what this page has not written for sure is
// stashed; at start, the next page writes what the store does not hold yet.
import type { StoredEvent } from '../shared/types';
import type { Store } from '../store';
import { notStored, stash, takeOutbox } from './outbox';

export interface CarryOverDeps {
  /** sessionStorage, or null when it is blocked. */
  storage: Storage | null;
  granted(): boolean;
  store(): Promise<Pick<Store, 'recent'>>;
  record(events: StoredEvent[]): void;
  warn(error: unknown): void;
}

/** Takes the stash (always: it is never left behind) and records the part the store lacks. */
export function carryOver(deps: CarryOverDeps): Promise<void> {
  const carried = takeOutbox(deps.storage);
  if (!carried.length || !deps.granted()) return Promise.resolve();
  const since = Math.min(...carried.map((e) => e.ts));
  return deps
    .store()
    .then((s) => s.recent({ since }))
    .then((stored) => deps.record(notStored(carried, stored)), deps.warn);
}

/** The pagehide handler: stashes events not yet written for sure, while consent is granted. */
export function stashOnLeave(deps: Pick<CarryOverDeps, 'storage' | 'granted'> & { unsaved(): StoredEvent[] }): () => void {
  return () => void (deps.granted() && stash(deps.storage, deps.unsaved()));
}
