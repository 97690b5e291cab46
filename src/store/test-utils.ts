// Shared by the browser tests only; the store never imports it.
import { afterEach } from 'vitest';
import type { EventName, StoredEvent } from '../shared/types';
import { deleteStore } from './delete';

const created: string[] = [];

/** A database name no other test uses; deleted after the test. */
export function uniqueDbName(): string {
  const name = `shelfwise-test-${crypto.randomUUID()}`;
  created.push(name);
  return name;
}

afterEach(async () => {
  await Promise.all(created.splice(0).map((name) => deleteStore(name)));
});

export function ev(type: EventName, item_id: string, ts: number, extra: Partial<StoredEvent> = {}): StoredEvent {
  return { type, item_id, category: 'Shoes>Running', brand: 'Acme', ts, source: 'datalayer', ...extra };
}

export const DAY = 864e5;

/** A clock tests can move. */
export function fakeClock(start = Date.UTC(2025, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), get t() { return t; } };
}

export async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

/** Collects unhandled rejections while `fn` runs and for a moment after. */
export async function unhandledRejectionsDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (e: PromiseRejectionEvent) => {
    seen.push(e.reason);
    e.preventDefault();
  };
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return seen;
}
