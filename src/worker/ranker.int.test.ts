// The ranker's backend fallback in Node. A second backend stands in for a GPU one: the CPU
// backend's kernels under the name 'webgl', which start throwing on demand: all of them, as a lost
// device does, or only some, as a broken driver does (the backend's start-up probe still passes).
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { HISTORY, ITEMS } from '../model/testing/fixture';
import { fixtureArtifact } from '../model/testing/fixture-weights';
import type { Artifact } from '../model/plain/artifact';
import { createRanker } from './ranker';
import type { BackendLoaders } from './backend';

function flakyBackend(name: string) {
  const device = { fails: (_kernel: string) => false, failures: 0 };
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({
      ...kernel,
      backendName: name,
      kernelFunc: (args) => {
        // Bounded, so that a ranker which keeps retrying the broken backend ends on it, and the
        // test fails instead of spinning.
        if (device.failures < 100 && device.fails(kernel.kernelName)) {
          device.failures++;
          throw new Error(`${name}: ${kernel.kernelName} failed`);
        }
        return kernel.kernelFunc(args);
      },
    });
  }
  tf.registerBackend(name, () => new MathBackendCPU());
  return device;
}

const device = flakyBackend('webgl');
const loaders: BackendLoaders = { webgl: async () => {}, cpu: () => import('@tensorflow/tfjs-backend-cpu') };

describe('ranker backends', () => {
  let artifact: Artifact;
  beforeAll(async () => {
    artifact = await fixtureArtifact();
  });
  beforeEach(() => {
    device.fails = () => false;
    device.failures = 0;
  });

  test('takes the first backend that works', async () => {
    const ranker = await createRanker(artifact, ['webgl', 'cpu'], loaders);
    expect(ranker.backend).toBe('webgl');
    ranker.dispose();
    device.fails = () => true;
    const fallback = await createRanker(artifact, ['webgl', 'cpu'], loaders);
    expect(fallback.backend).toBe('cpu');
    fallback.dispose();
  });

  test.each([
    ['is lost', () => true],
    ['fails a kernel its start-up probe does not use', (kernel: string) => kernel === 'BatchMatMul'],
  ])('a backend that %s mid-use hands over to the next, with the same weights and no leak', async (_, fails) => {
    const baseline = tf.memory().numTensors;
    const ranker = await createRanker(artifact, ['webgl', 'cpu'], loaders);
    const onGpu = await ranker.score(HISTORY, ITEMS);
    const held = tf.memory().numTensors;
    expect(held).toBeGreaterThan(baseline);

    device.fails = fails;
    const afterLoss = await ranker.score(HISTORY, ITEMS);
    expect(ranker.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(Array.from(afterLoss)).toEqual(Array.from(onGpu));
    expect(tf.memory().numTensors).toBe(held);

    // The failed backend is not tried again, even once it would work.
    device.fails = () => false;
    await ranker.score(HISTORY, ITEMS);
    expect(ranker.backend).toBe('cpu');
    ranker.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  test('says so when no backend is left', async () => {
    const baseline = tf.memory().numTensors;
    const ranker = await createRanker(artifact, ['webgl'], loaders);
    device.fails = () => true;
    await expect(ranker.score(HISTORY, ITEMS)).rejects.toThrow('no TensorFlow.js backend works in this browser');
    expect(ranker.backend).toBe('none');
    expect(tf.memory().numTensors).toBe(baseline);
    expect(await ranker.localDelta(['final_ln_g'], HISTORY, { items: ITEMS, weights: ITEMS.map(() => 1) })).toBeNull();
  });
});
