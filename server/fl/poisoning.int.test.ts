// A malicious device cannot move the published model by more than the clip bound allows. Two
// servers (real SQLite stores) see the same honest updates and the same noise; one of them also
// gets the attacker's update where the other gets a device that sends nothing (a zero update), so
// the difference of their published weights is exactly the attacker's influence.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { RoundInfo } from '../../src/sync/wire';
import { diff, l2, openService, publishedValues, seededUniform, submit, tempDir, testConfig, validUpdate, type OpenService } from './fl-test-helpers';
import type { FlConfig } from './config';

const K = 4;
// The bound is on the noisy mean, the only thing a device can touch; FedAvg adds that mean to the
// weights one to one, so the weights show it. (FedAdam's step is bounded per weight: server-adam.test.ts.)
const cfg: FlConfig = testConfig({ cohort: K, clipNorm: 1, noiseMultiplier: 1, serverOptimizer: 'sgd', serverLearningRate: 0.5 });
/** The most one device can move the published weights (L2): server LR × C / n. */
const BOUND = (cfg.serverLearningRate * cfg.clipNorm) / K;
const ROW = 7; // the item-embedding row the attacker pushes
const DIM = 32;

const opened: OpenService[] = [];
const dirs: (() => void)[] = [];
afterEach(() => {
  opened.splice(0).forEach((s) => s.store.close());
  dirs.splice(0).forEach((remove) => remove());
});

/** A service on a fresh database, closed and removed after the test. */
async function open(opts: Omit<Parameters<typeof openService>[0], 'dbPath' | 'cfg'> = {}): Promise<OpenService> {
  const tmp = tempDir();
  dirs.push(tmp.remove);
  const fl = await openService({ dbPath: join(tmp.dir, 'fl.db'), cfg, ...opts });
  opened.push(fl);
  return fl;
}

/** A round of K: three honest devices, then `last`; returns how far the published weights moved. */
async function runRound(last: (info: RoundInfo) => Int16Array): Promise<{ before: Float32Array; after: Float32Array }> {
  const fl = await open({ uniform: seededUniform(2024), now: () => 1_700_000_000_000 });
  const info = await fl.service.round();
  const before = await publishedValues(fl.service, info.model.version);
  // Fixed tokens and clock: both servers sum the updates in the same order.
  for (let i = 0; i < K - 1; i++) await submit(fl.service, info, validUpdate(info, 100 + i), `${i}`.padStart(32, '0'));
  await submit(fl.service, info, last(info), 'f'.repeat(32));
  const model = await fl.service.model();
  expect(model.round).toBe(info.round);
  return { before, after: await publishedValues(fl.service, model.version) };
}

const silent = (info: RoundInfo) => new Int16Array(info.length);

describe('poisoning', () => {
  test('the item embedding comes first in a round, so the attack below targets an item row', async () => {
    const fl = await open();
    expect((await fl.service.round()).weights[0]).toBe('item');
  });

  test('all of C on one coordinate of one item row moves that weight by exactly LR·C/n, and nothing else', async () => {
    const base = await runRound(silent);
    const attacked = await runRound((info) => {
      const codes = new Int16Array(info.length);
      codes[ROW * DIM] = 32767; // = C: the largest value a valid update can hold
      return codes;
    });
    expect(Array.from(base.before)).toEqual(Array.from(attacked.before));
    const d = diff(attacked.after, base.after);
    expect(d[ROW * DIM]).toBeCloseTo(BOUND, 5);
    expect(l2(d)).toBeLessThanOrEqual(BOUND * (1 + 1e-4));
    expect(l2(d.map((v, i) => (i === ROW * DIM ? 0 : v)))).toBeLessThan(1e-5);
  });

  test('an update crafted to the edge of the upload check (C plus rounding slack, all on one row) is clipped back to C', async () => {
    const base = await runRound(silent);
    const attacked = await runRound((info) => {
      const codes = new Int16Array(info.length);
      // 0.7% over C: inside the norm check's allowance for stochastic rounding, so it is accepted.
      const code = Math.floor((info.scale * 1.007) / Math.sqrt(DIM));
      for (let j = 0; j < DIM; j++) codes[ROW * DIM + j] = code;
      return codes;
    });
    const d = diff(attacked.after, base.after);
    const rowNorm = l2(d.subarray(ROW * DIM, (ROW + 1) * DIM));
    expect(rowNorm).toBeGreaterThan(BOUND * 0.999);
    expect(l2(d)).toBeLessThanOrEqual(BOUND * (1 + 1e-4));
  });

  test('against an honest device in its place, the attacker moves the model by at most 2·LR·C/n', async () => {
    const honest = await runRound((info) => validUpdate(info, 555));
    const attacked = await runRound((info) => {
      const codes = new Int16Array(info.length);
      codes[ROW * DIM] = -32767;
      return codes;
    });
    expect(l2(diff(attacked.after, honest.after))).toBeLessThanOrEqual(2 * BOUND * (1 + 1e-4));
  });

  test('a delta 1000× too large is refused at upload and counts nothing', async () => {
    const fl = await open();
    const info = await fl.service.round();
    // What a device would send for 1000 × an honest delta: it saturates int16 wherever it can.
    const honest = validUpdate(info, 1);
    const huge = honest.map((c) => Math.max(-32767, Math.min(32767, c * 1000)));
    await expect(submit(fl.service, info, huge)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^update: L2 norm \d+\.\d+ exceeds the clip norm 1$/) });
    expect(await fl.service.round()).toMatchObject({ received: 0 });
    expect(await fl.service.status()).toMatchObject({ updatesAccepted: 0 });
  });
});
