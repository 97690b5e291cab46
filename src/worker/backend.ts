// Picks the fastest TF.js backend this browser can actually run: WebGPU, then WebGL, then CPU.
// Each backend is a separate chunk, so a browser downloads only the ones it tries.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../shared/types';

/** How each backend gets registered with TF.js (by importing its package). */
export type BackendLoaders = Partial<Record<Exclude<BackendName, 'none'>, () => Promise<unknown>>>;

const BACKEND_LOADERS: BackendLoaders = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

/** The first backend in `order` that initialises and computes correctly, or 'none'. */
export async function pickBackend(
  order: readonly BackendName[],
  skip: ReadonlySet<BackendName> = new Set(),
  loaders: BackendLoaders = BACKEND_LOADERS,
): Promise<BackendName> {
  for (const name of order) {
    const load = name === 'none' || skip.has(name) ? undefined : loaders[name];
    if (load && (await tryBackend(name as Exclude<BackendName, 'none'>, load))) return name;
  }
  return 'none';
}

async function tryBackend(name: Exclude<BackendName, 'none'>, load: () => Promise<unknown>): Promise<boolean> {
  try {
    if (name === 'webgpu' && !(await hasGpuAdapter())) return false;
    await load();
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    // A backend can initialise and still compute garbage (or throw) on a broken driver.
    const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), 2)));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 12;
  } catch {
    return false;
  }
}

// Without an adapter (WebGPU disabled or blocklisted, where a worker may still expose
// navigator.gpu) TF.js's WebGPU factory fails only after its chunk is downloaded, and logs the
// failure to the host page's console. Asking first costs neither.
async function hasGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return !!gpu && !!(await gpu.requestAdapter().catch(() => null));
}
