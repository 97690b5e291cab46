import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { StoredEvent } from '../shared/types';
import type { Store } from '../store';
import { createRecording, type RecordingDeps } from './recording';

const ev = (type: StoredEvent['type'], id = 'a'): StoredEvent => ({ type, item_id: id, category: '', brand: '', ts: 1, source: 'datalayer' });

function setup() {
  let granted = true;
  const idle: (() => void)[] = [];
  const add = vi.fn(async (events: readonly StoredEvent[]): ReturnType<Store['add']> => ({ added: events.length, rejected: 0 }));
  const deps = {
    granted: () => granted,
    store: vi.fn(async () => ({ add })),
    idle: (fn: () => void) => void idle.push(fn),
    warmUp: vi.fn(),
    relearn: vi.fn(),
    warn: vi.fn(),
  } satisfies RecordingDeps;
  return {
    recording: createRecording(deps),
    deps,
    add,
    runIdle: () => idle.splice(0).forEach((fn) => fn()),
    setGranted: (g: boolean) => (granted = g),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createRecording', () => {
  test('writes a burst of events in one batch', async () => {
    const s = setup();
    s.recording.record([ev('view_item', 'a')]);
    s.recording.record([ev('add_to_cart', 'b')]);
    expect(s.add).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(50);
    expect(s.add.mock.calls.map(([events]) => events.map((e) => e.item_id))).toEqual([['a', 'b']]);
  });

  test('without consent nothing is buffered, and the store is not opened', async () => {
    const s = setup();
    s.setGranted(false);
    s.recording.record([ev('view_item')]);
    expect(s.recording.unsaved()).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.deps.store).not.toHaveBeenCalled();
  });

  test('consent withdrawn before the write: the batch is not written', async () => {
    const s = setup();
    s.recording.record([ev('view_item')]);
    s.setGranted(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.add).not.toHaveBeenCalled();
  });

  test('interest events warm the model up when the page is idle, if consent still holds', async () => {
    const s = setup();
    s.recording.record([ev('view_item')]);
    await s.recording.flush();
    expect(s.deps.warmUp).not.toHaveBeenCalled();
    s.runIdle();
    expect(s.deps.warmUp).toHaveBeenCalledOnce();

    s.recording.record([ev('purchase')]);
    await s.recording.flush();
    s.setGranted(false);
    s.runIdle();
    expect(s.deps.warmUp).toHaveBeenCalledOnce();
  });

  test('other events do not start the model', async () => {
    const s = setup();
    s.recording.record([ev('view_item_list'), ev('shelfwise_impression')]);
    await s.recording.flush();
    s.runIdle();
    expect(s.deps.warmUp).not.toHaveBeenCalled();
    expect(s.deps.relearn).not.toHaveBeenCalled();
  });

  test('a dismissal, once written, asks for learning again when the page is idle, if consent still holds', async () => {
    const s = setup();
    s.recording.record([ev('shelfwise_dismiss')]);
    await s.recording.flush();
    expect(s.deps.relearn).not.toHaveBeenCalled();
    s.runIdle();
    expect(s.deps.relearn).toHaveBeenCalledOnce();
    expect(s.deps.warmUp).not.toHaveBeenCalled();

    s.recording.record([ev('shelfwise_dismiss', 'b')]);
    await s.recording.flush();
    s.setGranted(false);
    s.runIdle();
    expect(s.deps.relearn).toHaveBeenCalledOnce();
  });

  test("the store's rejection of a batch is reported", async () => {
    const s = setup();
    const invalid = new Error('add: 1 invalid event');
    s.add.mockResolvedValueOnce({ added: 0, rejected: 1, error: invalid });
    s.recording.record([ev('view_item')]);
    await s.recording.flush();
    expect(s.deps.warn).toHaveBeenCalledWith(invalid);
  });

  test('drop() forgets the buffer', async () => {
    const s = setup();
    s.recording.record([ev('view_item')]);
    s.recording.drop();
    await vi.advanceTimersByTimeAsync(100);
    expect(s.add).not.toHaveBeenCalled();
    expect(s.recording.unsaved()).toEqual([]);
  });
});
