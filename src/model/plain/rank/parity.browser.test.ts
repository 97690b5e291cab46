// The TF.js-free ranking path against TF.js in real Chromium: WebGPU, WebGL and CPU. The browser
// project launches Chromium with WebGPU enabled, so a missing backend fails here, never skips.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { fetchArtifact } from '../artifact';
import { plainRankSuite } from '../../testing/plain-suite';

const use = (name: string) => async () => {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
};
const demo = () => fetchArtifact(new URL('/models/demo/model.json', location.href));

plainRankSuite('webgpu', use('webgpu'), demo);
plainRankSuite('webgl', use('webgl'), demo);
plainRankSuite('cpu', use('cpu'), demo);
