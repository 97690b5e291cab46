import { describe, expect, test, vi } from 'vitest';
import { contributeOnce, type ContributeDeps } from './contribute';
import type { WorkerClient } from './worker-client';

function setup(opts: { enabled?: boolean; granted?: boolean; worker?: boolean } = {}) {
  const idle: (() => void)[] = [];
  const worker = { call: vi.fn<(call: string) => Promise<string>>(async () => 'sent') };
  let running: typeof worker | null = opts.worker === false ? null : worker;
  let granted = opts.granted ?? true;
  const deps = {
    enabled: opts.enabled ?? true,
    running: () => running as unknown as WorkerClient | null,
    granted: () => granted,
    idle: (fn: () => void) => void idle.push(fn),
    warn: vi.fn(),
  } satisfies ContributeDeps;
  return {
    trigger: contributeOnce(deps),
    deps,
    worker,
    idle,
    runIdle: () => idle.splice(0).forEach((fn) => fn()),
    set(w: boolean, g = granted) {
      running = w ? worker : null;
      granted = g;
    },
  };
}

describe('contributeOnce', () => {
  test('asks the running worker to contribute, once, when the page is idle', () => {
    const s = setup();
    s.trigger();
    s.trigger();
    expect(s.worker.call).not.toHaveBeenCalled();
    expect(s.idle).toHaveLength(1);
    s.runIdle();
    s.trigger();
    expect(s.idle).toHaveLength(0);
    expect(s.worker.call.mock.calls).toEqual([['contribute']]);
  });

  test('does nothing when the site runs no rounds', () => {
    const s = setup({ enabled: false });
    s.trigger();
    expect(s.idle).toHaveLength(0);
  });

  test('never starts a worker for it, and asks once a later shelf finds one running', () => {
    const s = setup({ worker: false });
    s.trigger();
    expect(s.idle).toHaveLength(0);
    s.set(true);
    s.trigger();
    s.runIdle();
    expect(s.worker.call).toHaveBeenCalledOnce();
  });

  test('consent withdrawn (or the worker stopped) before the page is idle: nothing is sent', () => {
    const denied = setup();
    denied.trigger();
    denied.set(true, false);
    denied.runIdle();
    expect(denied.worker.call).not.toHaveBeenCalled();

    const stopped = setup();
    stopped.trigger();
    stopped.set(false);
    expect(() => stopped.runIdle()).not.toThrow();
    expect(stopped.worker.call).not.toHaveBeenCalled();
  });

  test('a failed contribution is reported', async () => {
    const s = setup();
    const failure = new Error('worker stopped');
    s.worker.call.mockImplementationOnce(() => Promise.reject(failure));
    s.trigger();
    s.runIdle();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(s.deps.warn).toHaveBeenCalledWith(failure);
  });
});
