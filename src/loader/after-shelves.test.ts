import { describe, expect, test, vi } from 'vitest';
import { afterShelvesOnce, type AfterShelvesDeps } from './after-shelves';

function setup(opts: { granted?: boolean; loaded?: boolean } = {}) {
  const idle: (() => void)[] = [];
  const page = { afterShelves: vi.fn<() => Promise<void>>(async () => {}) };
  let loaded = opts.loaded ?? true;
  let granted = opts.granted ?? true;
  const deps = {
    loaded: () => (loaded ? Promise.resolve(page) : null),
    granted: () => granted,
    idle: (fn: () => void) => void idle.push(fn),
    warn: vi.fn(),
  } satisfies AfterShelvesDeps;
  return {
    trigger: afterShelvesOnce(deps),
    deps,
    page,
    idle,
    runIdle: async () => {
      idle.splice(0).forEach((fn) => fn());
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    set(l: boolean, g = granted) {
      loaded = l;
      granted = g;
    },
  };
}

describe('afterShelvesOnce', () => {
  test("runs the ranking's after-shelves work once, when the page is idle", async () => {
    const s = setup();
    s.trigger();
    s.trigger();
    expect(s.page.afterShelves).not.toHaveBeenCalled();
    expect(s.idle).toHaveLength(1);
    await s.runIdle();
    s.trigger();
    expect(s.idle).toHaveLength(0);
    expect(s.page.afterShelves).toHaveBeenCalledOnce();
  });

  test('never loads the ranking for it, and runs once a later shelf finds it loaded', async () => {
    const s = setup({ loaded: false });
    s.trigger();
    expect(s.idle).toHaveLength(0);
    s.set(true);
    s.trigger();
    await s.runIdle();
    expect(s.page.afterShelves).toHaveBeenCalledOnce();
  });

  test('consent withdrawn (or everything forgotten) before the page is idle: nothing runs', async () => {
    const denied = setup();
    denied.trigger();
    denied.set(true, false);
    await denied.runIdle();
    expect(denied.page.afterShelves).not.toHaveBeenCalled();

    const forgotten = setup();
    forgotten.trigger();
    forgotten.set(false);
    await expect(forgotten.runIdle()).resolves.toBeUndefined();
    expect(forgotten.page.afterShelves).not.toHaveBeenCalled();
  });

  test('a failure is reported', async () => {
    const s = setup();
    const failure = new Error('worker stopped');
    s.page.afterShelves.mockImplementationOnce(() => Promise.reject(failure));
    s.trigger();
    await s.runIdle();
    expect(s.deps.warn).toHaveBeenCalledWith(failure);
  });
});
