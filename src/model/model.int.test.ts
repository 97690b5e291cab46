// The backend suite in Node: CPU and WASM (the training tools' backend). Both ship with the
// project's dependencies, so either one missing is a failure, not a skip.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { modelSuite } from './testing/suite';

async function use(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') {
    const wasm = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    setWasmPaths(`${dirname(wasm)}/`);
  }
  if (!(await tf.setBackend(name).catch(() => false))) throw new Error(`TF.js backend "${name}" did not initialise in Node`);
}

modelSuite('cpu', () => use('cpu'));
modelSuite('wasm', () => use('wasm'));
