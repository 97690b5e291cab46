import { describe, expect, test, vi } from 'vitest';
import type { StoredEvent } from '../shared/types';
import { OUTBOX_KEY } from '../shared/storage-keys';
import { carryOver, stashOnLeave, type CarryOverDeps } from './carry-over';
import { stash } from './outbox';
import { memoryStorage } from './test-storage';

const ev = (id: string, ts: number): StoredEvent => ({ type: 'select_item', item_id: id, category: '', brand: '', ts, source: 'datalayer' });

function setup(opts: { granted?: boolean; stashed?: StoredEvent[]; stored?: StoredEvent[] } = {}) {
  const storage = memoryStorage();
  stash(storage, opts.stashed ?? []);
  const recent = vi.fn<(query: { since?: number }) => Promise<StoredEvent[]>>(async () => opts.stored ?? []);
  const deps = {
    storage,
    granted: () => opts.granted ?? true,
    store: vi.fn(async () => ({ recent })),
    record: vi.fn(),
    warn: vi.fn(),
  } satisfies CarryOverDeps;
  return { deps, storage, recent };
}

describe('carryOver', () => {
  test('records the stashed events the store does not hold, asking only from the oldest one on', async () => {
    const { deps, storage, recent } = setup({ stashed: [ev('a', 20), ev('b', 10), ev('c', 30)], stored: [{ ...ev('b', 10), id: 4 }] });
    await carryOver(deps);
    expect(recent).toHaveBeenCalledWith({ since: 10 });
    expect(deps.record).toHaveBeenCalledWith([ev('a', 20), ev('c', 30)]);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
  });

  test('without consent the stash is dropped unread and the store is not opened', async () => {
    const { deps, storage } = setup({ granted: false, stashed: [ev('a', 1)] });
    await carryOver(deps);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
    expect(deps.store).not.toHaveBeenCalled();
    expect(deps.record).not.toHaveBeenCalled();
  });

  test('nothing stashed: the store is not opened', async () => {
    const { deps } = setup();
    await carryOver(deps);
    expect(deps.store).not.toHaveBeenCalled();
  });

  test('a store that cannot be opened is reported', async () => {
    const { deps } = setup({ stashed: [ev('a', 1)] });
    const failure = new Error('idb blocked');
    deps.store.mockImplementationOnce(() => Promise.reject(failure));
    await carryOver(deps);
    expect(deps.warn).toHaveBeenCalledWith(failure);
    expect(deps.record).not.toHaveBeenCalled();
  });

  test('blocked session storage is no stash', async () => {
    const { deps } = setup();
    await carryOver({ ...deps, storage: null });
    expect(deps.store).not.toHaveBeenCalled();
  });
});

describe('stashOnLeave', () => {
  test('stashes what is not written for sure, after what is already stashed', () => {
    const storage = memoryStorage();
    stash(storage, [ev('old', 1)]);
    stashOnLeave({ storage, granted: () => true, unsaved: () => [ev('a', 2)] })();
    expect(JSON.parse(storage.getItem(OUTBOX_KEY)!)).toEqual([ev('old', 1), ev('a', 2)]);
  });

  test('stashes nothing without consent', () => {
    const storage = memoryStorage();
    const unsaved = vi.fn(() => [ev('a', 2)]);
    stashOnLeave({ storage, granted: () => false, unsaved })();
    expect(storage.length).toBe(0);
    expect(unsaved).not.toHaveBeenCalled();
  });
});
