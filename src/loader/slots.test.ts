import { describe, expect, test, vi } from 'vitest';
import type { SlotHandle, SlotStatus } from './slot';
import { createSlots, type SlotsDeps } from './slots';

const status = (slot: string): SlotStatus => ({ slot, source: 'server', shown: [], ms: 0 });

/** A slot whose outcome the test decides. */
function controlled() {
  let settle!: (s: SlotStatus) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<SlotStatus>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const handle: SlotHandle = { done, unpersonalize: vi.fn(async () => {}) };
  return { handle, settle, fail };
}

function setup() {
  const page: HTMLElement[] = [];
  const runs = new Map<HTMLElement, ReturnType<typeof controlled>>();
  const deps = {
    elements: () => page,
    run: vi.fn((el: HTMLElement) => {
      const slot = controlled();
      runs.set(el, slot);
      return slot.handle;
    }),
    settled: vi.fn(),
    warn: vi.fn(),
  } satisfies SlotsDeps;
  const el = (name: string) => {
    const e = { name } as unknown as HTMLElement;
    page.push(e);
    return e;
  };
  return { slots: createSlots(deps), deps, el, runs };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createSlots', () => {
  test('runs each slot element once, however often the page is scanned', () => {
    const { slots, deps, el } = setup();
    const a = el('a');
    slots.scan();
    slots.scan();
    const b = el('b');
    slots.scan();
    expect(deps.run.mock.calls.map(([e]) => e)).toEqual([a, b]);
  });

  test('keeps statuses in the order slots settle, and reports when all of a scan\'s slots have settled', async () => {
    const { slots, deps, el, runs } = setup();
    const [a, b] = [el('a'), el('b')];
    slots.scan();
    runs.get(b)!.settle(status('b'));
    await tick();
    expect(slots.statuses()).toEqual([status('b')]);
    expect(deps.settled).not.toHaveBeenCalled();
    runs.get(a)!.settle(status('a'));
    await tick();
    expect(slots.statuses()).toEqual([status('b'), status('a')]);
    expect(deps.settled).toHaveBeenCalledOnce();
    // A later scan with a new slot reports again; one with nothing new does not.
    slots.scan();
    const c = el('c');
    slots.scan();
    runs.get(c)!.settle(status('c'));
    await tick();
    expect(deps.settled).toHaveBeenCalledTimes(2);
  });

  test('a slot that fails is reported and still counts as settled', async () => {
    const { slots, deps, el, runs } = setup();
    const a = el('a');
    slots.scan();
    const failure = new Error('ui chunk failed');
    runs.get(a)!.fail(failure);
    await tick();
    expect(deps.warn).toHaveBeenCalledWith(failure);
    expect(deps.settled).toHaveBeenCalledOnce();
    expect(slots.statuses()).toEqual([]);
  });

  test('statuses() is a copy', async () => {
    const { slots, el, runs } = setup();
    const a = el('a');
    slots.scan();
    runs.get(a)!.settle(status('a'));
    await tick();
    slots.statuses().pop();
    expect(slots.statuses()).toHaveLength(1);
  });

  test('unpersonalize() reaches every slot run so far', async () => {
    const { slots, el, runs } = setup();
    const [a, b] = [el('a'), el('b')];
    slots.scan();
    await slots.unpersonalize();
    expect(runs.get(a)!.handle.unpersonalize).toHaveBeenCalledOnce();
    expect(runs.get(b)!.handle.unpersonalize).toHaveBeenCalledOnce();
  });
});
