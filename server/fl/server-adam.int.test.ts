// FedAdam on the real service: a device's influence on a round is bounded per weight, and the
// optimizer's moments live in the database next to the version they produced, so a restarted
// server continues the same optimizer instead of starting a new one.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { diff, openService, publishedValues, seededUniform, submit, tempDir, testConfig, validUpdate } from './fl-test-helpers';
import { decodeState } from '../../src/privacy/server-optimizer';
import type { FlService } from './service';
import type { FlStore } from './store';

const K = 3;
const LR = 0.01;
const cfg = testConfig({ cohort: K, clipNorm: 1, noiseMultiplier: 1, serverOptimizer: 'adam', serverLearningRate: LR });

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function open(dbPath: string, seed: number) {
  const fl = await openService({ dbPath, cfg, uniform: seededUniform(seed) });
  cleanups.unshift(() => fl.store.close());
  return fl;
}

/** Fills the open round with K honest updates; returns the versions before and after. */
async function round(service: FlService, seed: number, last?: (length: number) => Int16Array) {
  const info = await service.round();
  for (let i = 0; i < K; i++) await submit(service, info, i === K - 1 && last ? last(info.length) : validUpdate(info, seed + i));
  return { before: info.model.version, after: (await service.model()).version };
}

const stateOf = (store: FlStore, version: string, length: number) =>
  store.transaction(async (tx) => decodeState(await tx.optimizerState(version), length));

describe('FedAdam on the server', () => {
  test('one round moves no weight by more than LR, whatever one device sends', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const { service } = await open(join(tmp.dir, 'fl.db'), 5);
    const v = await round(service, 10, (length) => {
      const codes = new Int16Array(length);
      codes[7] = 32767; // all of C on one weight
      return codes;
    });
    const moved = diff(await publishedValues(service, v.after), await publishedValues(service, v.before));
    const largest = moved.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(largest).toBeLessThanOrEqual(LR * (1 + 1e-4));
    expect(largest).toBeGreaterThan(LR * 0.99);
  });

  test('the moments survive a restart and only the latest version keeps them', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const dbPath = join(tmp.dir, 'fl.db');
    const first = await open(dbPath, 5);
    const length = (await first.service.round()).length;
    const r1 = await round(first.service, 10);
    expect((await stateOf(first.store, r1.after, length))?.step).toBe(1);
    first.store.close();
    cleanups.shift();

    const second = await open(dbPath, 6);
    const r2 = await round(second.service, 20);
    expect(r2.before).toBe(r1.after);
    const state = await stateOf(second.store, r2.after, length);
    expect(state?.step).toBe(2);
    expect(await stateOf(second.store, r1.after, length)).toBeNull();
    // A fresh Adam's first step is ±LR on every weight; carried momentum makes most steps smaller.
    const moved = diff(await publishedValues(second.service, r2.after), await publishedValues(second.service, r2.before));
    const smaller = moved.filter((x) => Math.abs(x) < 0.99 * LR).length;
    expect(smaller / moved.length).toBeGreaterThan(0.5);
  });
});
