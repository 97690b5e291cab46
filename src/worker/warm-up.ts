// GPU backends compile a shader per kernel on first use, one after another: on a cold page that
// is most of the first ranking's time. Compile-only mode lets them compile every shader of the
// model in parallel before the first real request (TF.js "parallel compilation").
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../shared/types';

const COMPILE_ONLY_FLAG: Partial<Record<BackendName, string>> = {
  webgpu: 'WEBGPU_ENGINE_COMPILE_ONLY',
  webgl: 'ENGINE_COMPILE_ONLY',
};

interface Compiling {
  checkCompileCompletionAsync?(): Promise<void>;
  getUniformLocations?(): void;
}

/** Runs `graph` once to compile its shaders (in parallel where the backend can); the result is discarded. */
export async function warmUp(backend: BackendName, graph: () => tf.Tensor): Promise<void> {
  const flag = COMPILE_ONLY_FLAG[backend];
  const engine = tf.backend() as Compiling;
  if (!flag || !engine.checkCompileCompletionAsync) {
    tf.dispose(tf.tidy(graph));
    return;
  }
  tf.env().set(flag, true);
  let result: tf.Tensor;
  try {
    result = tf.tidy(graph);
  } finally {
    tf.env().set(flag, false);
  }
  // Kept until its shaders are compiled (TF.js's parallel-compilation recipe), then freed.
  try {
    await engine.checkCompileCompletionAsync();
    engine.getUniformLocations?.();
  } finally {
    result.dispose();
  }
}
