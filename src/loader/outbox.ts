// Events a page captured but could not write before the shopper left it: a click on a shelf card
// or a storefront's select_item is pushed just before the link is followed, and IndexedDB aborts
// the transaction of a page that goes away. On pagehide they are kept in sessionStorage (this
// tab only, gone with it) and the next page of the same tab writes them.
import type { StoredEvent } from '../shared/types';
import { OUTBOX_KEY } from '../shared/storage-keys';
const MAX_EVENTS = 200;

export function stash(storage: Storage | null, events: readonly StoredEvent[]): void {
  if (!events.length) return;
  try {
    storage?.setItem(OUTBOX_KEY, JSON.stringify([...readOutbox(storage), ...events].slice(-MAX_EVENTS)));
  } catch {
    // Storage full or blocked: those events are lost, as they were before.
  }
}

/** The stashed events, removed from storage. */
export function takeOutbox(storage: Storage | null): StoredEvent[] {
  const events = readOutbox(storage);
  clearOutbox(storage);
  return events;
}

export function clearOutbox(storage: Storage | null): void {
  try {
    storage?.removeItem(OUTBOX_KEY);
  } catch {}
}

/** Stashed events the store does not hold yet: a write the old page started may have finished after all. */
export function notStored(stashed: readonly StoredEvent[], stored: readonly StoredEvent[]): StoredEvent[] {
  const key = (e: StoredEvent) => `${e.ts}|${e.type}|${e.item_id}|${e.slot ?? ''}`;
  const have = new Set(stored.map(key));
  return stashed.filter((e) => !have.has(key(e)));
}

function readOutbox(storage: Storage | null): StoredEvent[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(OUTBOX_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as StoredEvent[]) : [];
  } catch {
    return [];
  }
}
