// TF.js in Node. `@tensorflow/tfjs-node` cannot install here (it downloads a binary), so the tools
// run the WASM backend (XNNPACK, SIMD; about 5x the pure-JS CPU backend on this model) and fall
// back to CPU.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type NodeBackend = 'wasm' | 'cpu';

export async function useBackend(name: NodeBackend = 'wasm'): Promise<string> {
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  }
  const ok = await tf.setBackend(name).catch(() => false);
  if (!ok) await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
