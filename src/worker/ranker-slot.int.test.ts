// Model refreshes in Node, on the CPU backend: a replaced ranker's tensors are freed, but not
// under a call still running on it.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { HISTORY, ITEMS } from '../model/testing/fixture';
import { fixtureArtifact } from '../model/testing/fixture-weights';
import type { Artifact } from '../model/plain/artifact';
import { createRanker } from './ranker';
import { rankerSlot } from './ranker-slot';

describe('ranker slot', () => {
  let models: Artifact[];
  beforeAll(async () => {
    models = [await fixtureArtifact(3), await fixtureArtifact(4)];
  });

  test('tensors stay flat across model swaps', async () => {
    let loads = 0;
    const slot = rankerSlot(() => createRanker(models[loads++ % 2], ['cpu']));
    await slot.use((r) => r.score(HISTORY, ITEMS));
    const held = tf.memory().numTensors;
    for (let swap = 1; swap <= 4; swap++) {
      slot.replace();
      const version = await slot.use(async (r) => {
        await r.score(HISTORY, ITEMS);
        return r.version;
      });
      expect(version).toBe(models[swap % 2].json.version);
      expect(tf.memory().numTensors).toBe(held);
    }
    expect(loads).toBe(5);
  });

  test('a ranker replaced while in use is disposed when its last call ends', async () => {
    const slot = rankerSlot(() => createRanker(models[0], ['cpu']));
    const baseline = tf.memory().numTensors;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const old = await slot.use((r) => r);
    const running = slot.use(async (r) => {
      await gate;
      return r.score(HISTORY, ITEMS);
    });
    const held = tf.memory().numTensors;
    expect(held).toBeGreaterThan(baseline);

    slot.replace();
    const fresh = await slot.use((r) => r);
    expect(fresh).not.toBe(old);
    expect(tf.memory().numTensors).toBe(baseline + 2 * (held - baseline));

    release();
    const scores = await running;
    expect(scores).toHaveLength(ITEMS.length);
    expect(Array.from(scores).every(Number.isFinite)).toBe(true);
    await Promise.resolve();
    expect(tf.memory().numTensors).toBe(held);
  });

  test('a model that failed to load is not retried until replaced', async () => {
    let loads = 0;
    const slot = rankerSlot(async () => {
      loads++;
      throw new Error('model: 404');
    });
    await expect(slot.use((r) => r.version)).rejects.toThrow('model: 404');
    await expect(slot.use((r) => r.version)).rejects.toThrow('model: 404');
    expect(loads).toBe(1);
    slot.replace();
    await expect(slot.use((r) => r.version)).rejects.toThrow('model: 404');
    expect(loads).toBe(2);
  });
});
