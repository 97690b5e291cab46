// The backend suite in real Chromium: WebGPU, WebGL, CPU. The browser project launches Chromium
// with WebGPU enabled (SwiftShader; vite.config.ts, e2e/chromium.ts), so every backend must come
// up: a missing one is a regression and fails its suite rather than skipping it.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { modelSuite } from './testing/suite';

const use = (name: string) => async () => {
  const ok = await tf.setBackend(name).catch(() => false);
  if (!ok) throw new Error(`TF.js backend "${name}" is unavailable in this Chromium, which runs with WebGPU and WebGL enabled`);
};

modelSuite('webgpu', use('webgpu'));
modelSuite('webgl', use('webgl'));
modelSuite('cpu', use('cpu'));
