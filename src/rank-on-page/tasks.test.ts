import { afterEach, describe, expect, test, vi } from 'vitest';
import { nextTask } from './tasks';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('nextTask', () => {
  test('resolves in a new task: after every promise continuation already queued', async () => {
    const order: string[] = [];
    const task = nextTask().then(() => order.push('task'));
    let chain = Promise.resolve();
    for (let i = 0; i < 50; i++) chain = chain.then(() => void order.push('micro'));
    await task;
    expect(order.indexOf('task')).toBe(50);
  });

  test("uses the browser's scheduler.yield() when there is one", async () => {
    const yieldFn = vi.fn(async () => {});
    vi.stubGlobal('scheduler', { yield: yieldFn });
    await nextTask();
    expect(yieldFn).toHaveBeenCalledOnce();
  });
});
