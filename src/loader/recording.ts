// What the page captures goes to the store only while consent is granted, checked both when an
// event arrives and again when its batch is written (consent may be withdrawn in between).
import { DISMISS_EVENT, isInterest } from '../shared/events';
import type { StoredEvent } from '../shared/types';
import type { Store } from '../store';
import { createRecorder, type Recorder } from './recorder';

export interface RecordingDeps {
  granted(): boolean;
  store(): Promise<Pick<Store, 'add'>>;
  /** Runs work when the page is idle. */
  idle(fn: () => void): void;
  /** Gets the model ready (its weights into the HTTP cache, its pointer into the store), so the
   *  next page can personalize at once. */
  warmUp(): void;
  /** Learns again (the shopper dismissed an item: the personal vector takes it in). */
  relearn(): void;
  warn(error: unknown): void;
}

export function createRecording(deps: RecordingDeps): Recorder {
  const recorder = createRecorder(async (events) => {
    if (!deps.granted()) return;
    const result = await (await deps.store()).add(events);
    if (result.error) deps.warn(result.error);
    if (events.some((e) => isInterest(e.type))) deps.idle(() => deps.granted() && deps.warmUp());
    if (events.some((e) => e.type === DISMISS_EVENT)) deps.idle(() => deps.granted() && deps.relearn());
  });
  return { ...recorder, record: (events: StoredEvent[]) => void (deps.granted() && recorder.record(events)) };
}
