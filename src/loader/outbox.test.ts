import { expect, test } from 'vitest';
import type { StoredEvent } from '../shared/types';
import { notStored } from './outbox';
import { createRecorder } from './recorder';

const ev = (id: string, ts = 1, type: StoredEvent['type'] = 'view_item'): StoredEvent => ({ type, item_id: id, category: '', brand: '', ts, source: 'widget' });

test('unsaved() holds events until their write has finished, and drop() clears them', async () => {
  let finish!: () => void;
  let started!: () => void;
  const writing = new Promise<void>((resolve) => (started = resolve));
  const write = () =>
    new Promise<void>((resolve) => {
      finish = resolve;
      started();
    });
  const r = createRecorder(write, 0);
  r.record([ev('a')]);
  const flushed = r.flush();
  r.record([ev('b')]);
  expect(r.unsaved().map((e) => e.item_id)).toEqual(['a', 'b']);
  await writing; // the write starts a microtask later
  finish();
  await flushed;
  expect(r.unsaved().map((e) => e.item_id)).toEqual(['b']);
  r.drop();
  expect(r.unsaved()).toEqual([]);
});

test('notStored() skips stashed events that the store already holds', () => {
  const stored = [{ ...ev('a', 5), id: 7 }];
  const stashed = [ev('a', 5), ev('a', 6), ev('a', 5, 'shelfwise_click')];
  expect(notStored(stashed, stored)).toEqual([ev('a', 6), ev('a', 5, 'shelfwise_click')]);
});
