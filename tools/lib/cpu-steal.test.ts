import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { stealMeter } from './cpu-steal';

describe('stealMeter', () => {
  test.runIf(existsSync('/proc/stat'))('gives a share of the CPU time between two reads', async () => {
    const stolen = stealMeter();
    const until = Date.now() + 30;
    while (Date.now() < until); // some CPU time passes
    await new Promise((r) => setTimeout(r, 20));
    const share = stolen();
    expect(share).not.toBeNull();
    expect(share!).toBeGreaterThanOrEqual(0);
    expect(share!).toBeLessThanOrEqual(1);
  });

  test.runIf(!existsSync('/proc/stat'))('says nothing where the platform does not count it', () => {
    expect(stealMeter()()).toBeNull();
  });
});
