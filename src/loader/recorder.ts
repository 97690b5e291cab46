// Buffers captured events briefly and writes them in one transaction, so a burst of dataLayer
// pushes costs one IndexedDB write and the page's own task stays short.
import type { StoredEvent } from '../shared/types';

export interface Recorder {
  record(events: StoredEvent[]): void;
  /** Writes what is buffered now (used before the page unloads and in tests). */
  flush(): Promise<void>;
  /** Forgets what is buffered (consent withdrawn). */
  drop(): void;
  /** Events not yet written for sure: buffered, or in a write that has not finished. */
  unsaved(): StoredEvent[];
}

export function createRecorder(write: (events: StoredEvent[]) => Promise<unknown>, delayMs = 50): Recorder {
  let buffer: StoredEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  // A page left mid-write loses the write (IndexedDB aborts the transaction): kept until it ends.
  const inFlight = new Set<StoredEvent[]>();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = buffer;
    buffer = [];
    if (batch.length) {
      inFlight.add(batch);
      const done = () => void inFlight.delete(batch);
      writing = writing.then(() => write(batch)).then(done, done);
    }
    return writing;
  };
  return {
    record(events) {
      if (!events.length) return;
      buffer.push(...events);
      timer ??= setTimeout(flush, delayMs);
    },
    flush,
    drop() {
      clearTimeout(timer);
      timer = undefined;
      buffer = [];
      inFlight.clear();
    },
    unsaved: () => [...[...inFlight].flat(), ...buffer],
  };
}
