// The backend suite in real Chromium: WebGPU (where Chromium gives it), WebGL, CPU.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { modelSuite } from './testing/suite';

const tryBackend = (name: string) => async () => {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
};

modelSuite('webgpu', tryBackend('webgpu'));
modelSuite('webgl', tryBackend('webgl'));
modelSuite('cpu', tryBackend('cpu'));
