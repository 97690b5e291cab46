import { describe, expect, test, vi } from 'vitest';
import { TINY } from '../model/testing/fixture';
import { LAST_CONTRIBUTION_KEY, OFFERED_KEY, PERSONAL_KEY } from '../shared/storage-keys';
import type { StoredEvent } from '../shared/types';
import type { RoundInfo } from '../sync/wire';
import { MIN_NEW_EVENTS } from '../worker/contribution-rules';
import { REFIT_AFTER } from '../worker/personal';
import { adaptMinEvents, learn, type LearningDeps } from './learning';
import { memoryStore } from './test-store';
import type { WorkerClient } from './worker-client';

const VERSION = 'v1';
const views = (n: number): StoredEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'view_item', item_id: `sku${i}`, category: 'Shoes>Trail', brand: 'Peakline', ts: i + 1, source: 'datalayer' }));
const OFFERED = [{ item_id: 'other', category: 'Tents', brand: 'Acme', times: 1 }];

function round(patch: Partial<RoundInfo> = {}): RoundInfo {
  return { round: 7, status: 'open', model: { version: VERSION, sha256: 'ab' }, cohort: 50, received: 0, clipNorm: 0.3, noiseMultiplier: 1, deadline: '', weights: [], length: 0, encoding: 'int16-fixed', scale: 1, ...patch } as RoundInfo;
}

async function setup(events: StoredEvent[], opts: { sync?: string | null; offered?: boolean; round?: RoundInfo } = {}) {
  const store = memoryStore(events);
  if (opts.offered !== false) await store.setState(OFFERED_KEY, OFFERED);
  const worker = { call: vi.fn(async (call: string) => (call === 'adapt' ? 'fitted' : 'sent')) };
  const deps = {
    store,
    model: { version: VERSION, config: TINY },
    sync: opts.sync === undefined ? 'https://shop.example/api/fl' : opts.sync,
    round: vi.fn(async () => opts.round ?? round()),
    worker: vi.fn(() => worker as unknown as WorkerClient),
    warn: vi.fn(),
  } satisfies LearningDeps;
  return { deps, store, worker };
}

describe('learn: adaptation', () => {
  test('starts no worker for a history the encoder window already covers, or without sync for the rest', async () => {
    const { deps } = await setup(views(adaptMinEvents(TINY) - 1), { sync: null });
    expect(await learn(deps)).toEqual({ adapt: 'not-needed', contribution: 'off' });
    expect(deps.worker).not.toHaveBeenCalled();
  });

  test('fits again once the history is long enough and has grown since the last fit, for this model', async () => {
    const n = adaptMinEvents(TINY);
    const first = await setup(views(n), { sync: null });
    expect(await learn(first.deps)).toEqual({ adapt: 'fitted', contribution: 'off' });
    expect(first.worker.call.mock.calls).toEqual([['adapt']]);

    const recent = await setup(views(n + REFIT_AFTER - 1), { sync: null });
    await recent.store.setState(PERSONAL_KEY, { modelVersion: VERSION, vector: null, events: n, at: 1 });
    expect((await learn(recent.deps)).adapt).toBe('not-needed');
    await recent.store.setState(PERSONAL_KEY, { modelVersion: 'older', vector: null, events: n + REFIT_AFTER - 1, at: 1 });
    expect((await learn(recent.deps)).adapt).toBe('fitted');
  });

  test('a new dismissal asks for a fit even on a short history; the same dismissals do not again', async () => {
    const s = await setup(views(3), { sync: null });
    const store = Object.assign(s.store, { dismissed: async () => [{ item_id: 'no', category: 'Tents', brand: 'Acme', ts: 9 }] });
    expect((await learn({ ...s.deps, store })).adapt).toBe('fitted');
    await store.setState(PERSONAL_KEY, { modelVersion: VERSION, vector: null, gamma: 1, events: 3, dismissed: 1, at: 1 });
    expect((await learn({ ...s.deps, store })).adapt).toBe('not-needed');
    const two = await setup(views(2), { sync: null });
    const short = Object.assign(two.store, { dismissed: store.dismissed });
    expect((await learn({ ...two.deps, store: short })).adapt).toBe('not-needed'); // one next event is too few
  });

  test('needs offered items (its negatives)', async () => {
    const { deps } = await setup(views(adaptMinEvents(TINY) + 5), { sync: null, offered: false });
    expect((await learn(deps)).adapt).toBe('not-needed');
    expect(deps.worker).not.toHaveBeenCalled();
  });
});

describe('learn: federated contribution', () => {
  test('not enough new history, nothing offered: decided on the page, no round asked, no worker', async () => {
    const few = await setup(views(MIN_NEW_EVENTS - 1));
    expect(await learn(few.deps)).toEqual({ adapt: 'not-needed', contribution: 'not-enough-history' });
    const since = await setup(views(MIN_NEW_EVENTS + 2));
    await since.store.setState(LAST_CONTRIBUTION_KEY, { round: 3, newest: 3 });
    expect((await learn(since.deps)).contribution).toBe('not-enough-history');
    const none = await setup(views(MIN_NEW_EVENTS), { offered: false });
    expect((await learn(none.deps)).contribution).toBe('nothing-offered-yet');
    for (const s of [few, since, none]) {
      expect(s.deps.round).not.toHaveBeenCalled();
      expect(s.deps.worker).not.toHaveBeenCalled();
    }
  });

  test.each([
    ['stopped', { round: round({ status: 'stopped' }) }, undefined],
    ['already-contributed', {}, { round: 7, newest: 0 }],
    ['stale-model', { round: round({ model: { version: 'v2', sha256: 'cd' } }) }, undefined],
  ] as const)("the open round says '%s': no worker", async (outcome, opts, last) => {
    const s = await setup(views(MIN_NEW_EVENTS), opts);
    if (last) await s.store.setState(LAST_CONTRIBUTION_KEY, last);
    expect((await learn(s.deps)).contribution).toBe(outcome);
    expect(s.deps.round).toHaveBeenCalledOnce();
    expect(s.deps.worker).not.toHaveBeenCalled();
  });

  test('an eligible device asks the worker, and reports its answer', async () => {
    const s = await setup(views(MIN_NEW_EVENTS));
    expect(await learn(s.deps)).toEqual({ adapt: 'not-needed', contribution: 'sent' });
    expect(s.worker.call.mock.calls).toEqual([['contribute']]);
  });

  test('a failing part is reported and leaves the other to finish', async () => {
    const s = await setup(views(adaptMinEvents(TINY)));
    const broken = new Error('worker failed: could not load');
    s.worker.call.mockImplementation(async (call: string) => {
      if (call === 'adapt') throw broken;
      return 'sent';
    });
    expect(await learn(s.deps)).toEqual({ contribution: 'sent' });
    expect(s.deps.warn).toHaveBeenCalledWith(broken);
  });
});
