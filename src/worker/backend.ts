// Picks the TF.js backend learning runs on: WebGPU, then WebGL, then CPU. Each backend is a
// separate chunk, so a browser downloads only the ones it tries. A GPU that is emulated in
// software (SwiftShader, llvmpipe: a WebGPU fallback adapter, a software WebGL renderer) is passed
// over unless the site names its backends: it is slower than the CPU backend itself, and it runs in
// the browser's GPU process, whose shader compiles then hold up the frames of the pages shown
// next (measured here: seconds).
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../shared/types';

/** How each backend gets registered with TF.js (by importing its package). */
export type BackendLoaders = Partial<Record<Exclude<BackendName, 'none'>, () => Promise<unknown>>>;

const BACKEND_LOADERS: BackendLoaders = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

export interface PickOptions {
  /** Backends already found broken on this device. */
  skip?: ReadonlySet<BackendName>;
  /** Accept a GPU emulated in software. */
  softwareGpu?: boolean;
  /** Stand-ins for the backends' packages (tests). */
  loaders?: BackendLoaders;
  /** Stand-in for `navigator.gpu` (tests). */
  gpu?: GpuLike | null;
  /** Stand-in for the WebGL renderer's name, null without WebGL (tests). */
  glRenderer?: () => string | null;
}

interface AdapterLike {
  info?: { isFallbackAdapter?: boolean };
  /** Where browsers before GPUAdapterInfo.isFallbackAdapter put it. */
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** The first backend in `order` that initialises and computes correctly, or 'none'. */
export async function pickBackend(order: readonly BackendName[], opts: PickOptions = {}): Promise<BackendName> {
  const { skip = new Set(), loaders = BACKEND_LOADERS } = opts;
  for (const name of order) {
    const load = name === 'none' || skip.has(name) ? undefined : loaders[name];
    if (!load) continue;
    if (name === 'webgpu' && !(await usableAdapter(opts))) continue;
    if (name === 'webgl' && !opts.softwareGpu && isSoftware((opts.glRenderer ?? glRenderer)())) continue;
    if (await tryBackend(name as Exclude<BackendName, 'none'>, load)) return name;
  }
  return 'none';
}

async function tryBackend(name: Exclude<BackendName, 'none'>, load: () => Promise<unknown>): Promise<boolean> {
  try {
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
async function usableAdapter(opts: PickOptions): Promise<boolean> {
  const gpu = opts.gpu !== undefined ? opts.gpu : (navigator as { gpu?: GpuLike }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (!adapter) return false;
  return opts.softwareGpu === true || !(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false);
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

function isSoftware(renderer: string | null): boolean {
  return renderer !== null && SOFTWARE_RENDERER.test(renderer);
}

/** The unmasked WebGL renderer ("ANGLE (…, SwiftShader Device …)"), or null when unknown. */
function glRenderer(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const name = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : null;
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}
