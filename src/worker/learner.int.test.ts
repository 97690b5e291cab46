// The learner's backend choice and fallback in Node. A second backend stands in for a GPU one: the
// CPU backend's kernels under the name 'webgl', which start throwing on demand: all of them, as a
// lost device does, or only some, as a broken driver does (the backend's start-up probe still passes).
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ITEMS, LONG_HISTORY, TINY } from '../model/testing/fixture';
import { fixtureArtifact } from '../model/testing/fixture-weights';
import type { Artifact } from '../model/plain/artifact';
import type { EventLike } from '../model/plain/features';
import { adaptPersonal } from '../model/train/adapt';
import { weightsFromArrays } from '../model/tensors';
import { weightSpecs } from '../model/weights';
import { adaptMinEvents } from '../rank-on-page/learning';
import { createLearner } from './learner';
import { pickBackend, type BackendLoaders } from './backend';

function flakyBackend(name: string) {
  const device = { fails: (_kernel: string) => false, failures: 0 };
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({
      ...kernel,
      backendName: name,
      kernelFunc: (args) => {
        // Bounded, so that a learner which keeps retrying the broken backend ends on it, and the
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
const offered = { items: ITEMS.slice(12), weights: ITEMS.slice(12).map(() => 1) };
// Long enough to adapt: events beyond the window, on several items.
const history: EventLike[] = Array.from({ length: adaptMinEvents(TINY) + 4 }, (_, i) => ({ ...LONG_HISTORY[i % LONG_HISTORY.length], item_id: ITEMS[i % 12].item_id }));
const NAMES = ['final_ln_g', 'final_ln_b'];

describe('learner backends', () => {
  let artifact: Artifact;
  beforeAll(async () => {
    artifact = await fixtureArtifact();
  });
  beforeEach(() => {
    device.fails = () => false;
    device.failures = 0;
  });

  test('takes the first backend that works', async () => {
    const learner = await createLearner(artifact, ['webgl', 'cpu'], { loaders });
    expect(learner.backend).toBe('webgl');
    learner.dispose();
    device.fails = () => true;
    const fallback = await createLearner(artifact, ['webgl', 'cpu'], { loaders });
    expect(fallback.backend).toBe('cpu');
    fallback.dispose();
  });

  // A kernel failing half-way through a gradient leaves the tensors TF.js had kept for the backward
  // pass (custom gradients keep their inputs past any scope); the worker lives one page, which
  // bounds that. A device lost at the first kernel leaves nothing.
  test.each([
    ['is lost', () => true, true],
    ['fails a kernel its start-up probe does not use', (kernel: string) => kernel === 'BatchMatMul', false],
  ])('a backend that %s mid-use hands over to the next, with the same weights', async (_, fails, leakFree) => {
    const baseline = tf.memory().numTensors;
    const learner = await createLearner(artifact, ['webgl', 'cpu'], { loaders });
    const onGpu = await learner.localDelta(NAMES, history, offered);
    const held = tf.memory().numTensors;
    expect(held).toBeGreaterThan(baseline);

    device.fails = fails;
    const afterLoss = await learner.localDelta(NAMES, history, offered);
    expect(learner.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(Array.from(afterLoss!)).toEqual(Array.from(onGpu!));
    if (leakFree) expect(tf.memory().numTensors).toBe(held);
    const after = tf.memory().numTensors;

    // The failed backend is not tried again, even once it would work.
    device.fails = () => false;
    await learner.adapt(history, offered);
    expect(learner.backend).toBe('cpu');
    expect(tf.memory().numTensors, 'a later task leaks nothing').toBe(after);
    learner.dispose();
    if (leakFree) expect(tf.memory().numTensors).toBe(baseline);
  }, 30_000);

  test('says so when no backend is left', async () => {
    const baseline = tf.memory().numTensors;
    const learner = await createLearner(artifact, ['webgl'], { loaders });
    device.fails = () => true;
    await expect(learner.adapt(history, offered)).rejects.toThrow('no TensorFlow.js backend works in this browser');
    expect(learner.backend).toBe('none');
    expect(tf.memory().numTensors).toBe(baseline);
    expect(await learner.localDelta(NAMES, history, offered)).toBeNull();
  });
});

describe('WebGPU adapter', () => {
  const gpu = (adapter: object | null) => ({ requestAdapter: async () => adapter });
  const webgpu: BackendLoaders = { webgpu: async () => {}, cpu: () => import('@tensorflow/tfjs-backend-cpu') };
  // The stand-in 'webgpu' package registers nothing: a pick that tries it fails over to the CPU,
  // so what matters is whether it was tried (loaded) at all.
  const tried = (adapter: object | null, softwareGpu: boolean) => {
    let loaded = false;
    const loaders = { ...webgpu, webgpu: async () => void (loaded = true) };
    return pickBackend(['webgpu', 'cpu'], { loaders, gpu: gpu(adapter), softwareGpu }).then((picked) => ({ picked, loaded }));
  };

  test('a hardware adapter is tried; a software fallback only when the site named webgpu', async () => {
    expect(await tried({ info: { isFallbackAdapter: false } }, false)).toEqual({ picked: 'cpu', loaded: true });
    expect(await tried({ info: { isFallbackAdapter: true } }, false)).toEqual({ picked: 'cpu', loaded: false });
    expect(await tried({ isFallbackAdapter: true }, false)).toEqual({ picked: 'cpu', loaded: false });
    expect(await tried({ info: { isFallbackAdapter: true } }, true)).toEqual({ picked: 'cpu', loaded: true });
    expect(await tried(null, true)).toEqual({ picked: 'cpu', loaded: false });
  });
});

describe('software WebGL', () => {
  const tried = async (renderer: string | null, softwareGpu: boolean) => {
    let loaded = false;
    const loaders: BackendLoaders = { webgl: async () => void (loaded = true), cpu: () => import('@tensorflow/tfjs-backend-cpu') };
    await pickBackend(['webgl', 'cpu'], { loaders, glRenderer: () => renderer, softwareGpu });
    return loaded;
  };

  test('a software renderer is passed over unless the site named its backends', async () => {
    expect(await tried('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', false)).toBe(false);
    expect(await tried('llvmpipe (LLVM 15.0.6, 256 bits)', false)).toBe(false);
    expect(await tried('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true)).toBe(true);
    expect(await tried('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', false)).toBe(true);
    // Unknown (the extension withheld): tried, as before.
    expect(await tried(null, false)).toBe(true);
  });
});

describe('adaptMinEvents', () => {
  test('is where adaptation starts fitting: one event fewer and it keeps nothing, untried', async () => {
    const w = tf.tidy(() => weightsFromArrays(weightSpecs(TINY), artifact.weights));
    const min = adaptMinEvents(TINY);
    const [short, enough] = await adaptPersonal(w, TINY, [
      { history: history.slice(0, min - 1), negatives: offered.items },
      { history: history.slice(0, min), negatives: offered.items },
    ]);
    expect(short.before).toBeNaN();
    expect(Number.isFinite(enough.before)).toBe(true);
    tf.dispose(Object.values(w));
  });
  let artifact: Artifact;
  beforeAll(async () => {
    artifact = await fixtureArtifact();
  });
});
