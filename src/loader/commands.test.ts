import { describe, expect, test, vi } from 'vitest';
import type { ConsentState } from '../shared/types';
import type { DebugInfo } from '../worker/protocol';
import { createApi, dataLayerHandler, type CommandDeps } from './commands';
import type { SlotStatus } from './slot';

function api(state: ConsentState = 'granted', overrides: Partial<CommandDeps> = {}) {
  const warnings: string[] = [];
  const slots: SlotStatus[] = [{ slot: 'home', source: 'model', shown: ['a'], ms: 12 }];
  const deps = {
    record: vi.fn(),
    consent: { state: vi.fn(() => state), choose: vi.fn() },
    render: vi.fn(),
    shopper: vi.fn(),
    modelDebug: vi.fn(async (): Promise<DebugInfo> => ({
      backend: 'webgl',
      modelVersion: 'v3',
      events: 42,
      timings: { load: 900, rank: 30 },
      contribution: { lastRound: 7, outcome: 'sent' },
    })),
    slots: vi.fn(() => slots.slice()),
    warnings: vi.fn(() => warnings.slice()),
    warn: vi.fn((e: unknown) => void warnings.push(e instanceof Error ? e.message : String(e))),
  } satisfies CommandDeps;
  return { api: createApi({ ...deps, ...overrides }), deps };
}

const VIEW = { items: [{ item_id: 'sku1', item_category: 'Shoes' }] };

describe('shelfwise.push', () => {
  test("'track' records the command's events", () => {
    const { api: sw, deps } = api();
    sw.push(['track', 'view_item', VIEW]);
    expect(deps.record).toHaveBeenCalledWith([expect.objectContaining({ type: 'view_item', item_id: 'sku1', category: 'Shoes', source: 'command' })]);
  });

  test("'privacy' and 'labels' go to the shopper's controls as given", () => {
    const { api: sw, deps } = api();
    const strings = { why: 'Pourquoi ?' };
    sw.push(['privacy'], ['labels', strings], ['labels', 'fr', strings]);
    expect(deps.shopper.mock.calls).toEqual([[['privacy']], [['labels', strings]], [['labels', 'fr', strings]]]);
  });

  test("'consent' passes a valid choice on, and 'render' looks for new slots", () => {
    const { api: sw, deps } = api();
    sw.push(['consent', 'denied'], ['consent', 'granted'], ['render']);
    expect(deps.consent.choose.mock.calls).toEqual([['denied'], ['granted']]);
    expect(deps.render).toHaveBeenCalledOnce();
    expect(deps.warn).not.toHaveBeenCalled();
  });

  test('bad and unknown commands are reported, never thrown, and the rest still run', () => {
    const { api: sw, deps } = api();
    expect(sw.push('track', ['consent', 'maybe'], ['identify', 'bob'], ['render'])).toBe(0);
    expect(deps.warn.mock.calls.map(([w]) => w)).toEqual([
      'shelfwise.push: expected an array, got string',
      'shelfwise.push: unknown command "consent"',
      'shelfwise.push: unknown command "identify"',
    ]);
    expect(deps.consent.choose).not.toHaveBeenCalled();
    expect(deps.render).toHaveBeenCalledOnce();
  });

  test('a command whose handler throws is reported, and the next one runs', () => {
    const broken = new Error('storage gone');
    const { api: sw, deps } = api('granted', { render: vi.fn(() => { throw broken; }) });
    expect(() => sw.push(['render'], ['consent', 'granted'])).not.toThrow();
    expect(deps.warn).toHaveBeenCalledWith(broken);
    expect(deps.consent.choose).toHaveBeenCalledWith('granted');
  });
});

describe('shelfwise.debug', () => {
  test("with consent: the worker's report, the consent, the slots and the warnings", async () => {
    const { api: sw, deps } = api();
    sw.push(['nope']);
    expect(await sw.debug()).toEqual({
      backend: 'webgl',
      modelVersion: 'v3',
      events: 42,
      timings: { load: 900, rank: 30 },
      contribution: { lastRound: 7, outcome: 'sent' },
      consent: 'granted',
      slots: [{ slot: 'home', source: 'model', shown: ['a'], ms: 12 }],
      warnings: ['shelfwise.push: unknown command "nope"'],
    });
    expect(deps.modelDebug).toHaveBeenCalledOnce();
  });

  test('without consent: no worker is asked (or started), and the report says none', async () => {
    for (const state of ['pending', 'denied'] as const) {
      const { api: sw, deps } = api(state);
      expect(await sw.debug()).toMatchObject({ backend: 'none', modelVersion: null, events: 0, timings: {}, contribution: { lastRound: null, outcome: null }, consent: state });
      expect(deps.modelDebug).not.toHaveBeenCalled();
    }
  });

  test('a worker that fails to answer is reported, and the rest of the report stands', async () => {
    const { api: sw } = api('granted', { modelDebug: vi.fn(() => Promise.reject(new Error('worker failed: could not load'))) });
    const report = await sw.debug();
    expect(report).toMatchObject({ backend: 'none', events: 0, consent: 'granted', warnings: ['worker failed: could not load'] });
    expect(report.slots).toHaveLength(1);
  });

  test('each report is its own object', async () => {
    const { api: sw } = api('pending');
    const first = await sw.debug();
    first.timings.load = 1;
    first.contribution.outcome = 'sent';
    expect(await sw.debug()).toMatchObject({ timings: {}, contribution: { outcome: null } });
  });
});

describe('dataLayerHandler', () => {
  test('a Consent Mode command is a signal; an ecommerce event is recorded', () => {
    const deps = { record: vi.fn(), consent: { signal: vi.fn() } };
    const onEntry = dataLayerHandler(deps);
    onEntry(['consent', 'update', { personalization_storage: 'denied' }]);
    expect(deps.consent.signal).toHaveBeenCalledWith({ command: 'update', state: 'denied' });
    expect(deps.record).not.toHaveBeenCalled();

    onEntry({ event: 'add_to_cart', ecommerce: VIEW });
    expect(deps.record).toHaveBeenCalledWith([expect.objectContaining({ type: 'add_to_cart', item_id: 'sku1', source: 'datalayer' })]);
  });
});
