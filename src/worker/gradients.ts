// The gradients learning takes, registered one by one. TF.js's register_all_gradients brings all
// 101 (7.7 KB gzip, part of a first visit's download); the model's own kernels (row lookup,
// matmul, logsumexp) carry hand-written gradients, and the rest of adaptation and the federated
// update reach these 15. gradients.int.test.ts runs every learning path with these alone.
import { getGradient, registerGradient, type GradConfig } from '@tensorflow/tfjs-core';
import { addGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Add_grad';
import { addNGradConfig } from '@tensorflow/tfjs-core/dist/gradients/AddN_grad';
import { castGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Cast_grad';
import { expandDimsGradConfig } from '@tensorflow/tfjs-core/dist/gradients/ExpandDims_grad';
import { meanGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Mean_grad';
import { multiplyGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Multiply_grad';
import { reluGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Relu_grad';
import { reshapeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Reshape_grad';
import { rsqrtGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Rsqrt_grad';
import { softmaxGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softmax_grad';
import { softplusGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softplus_grad';
import { squareGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Square_grad';
import { subGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sub_grad';
import { sumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sum_grad';
import { transposeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Transpose_grad';

const LEARNING_GRADIENTS: GradConfig[] = [
  addGradConfig,
  addNGradConfig,
  castGradConfig,
  expandDimsGradConfig,
  meanGradConfig,
  multiplyGradConfig,
  reluGradConfig,
  reshapeGradConfig,
  rsqrtGradConfig,
  softmaxGradConfig,
  softplusGradConfig,
  squareGradConfig,
  subGradConfig,
  sumGradConfig,
  transposeGradConfig,
];

/** Registers those not registered yet (TF.js warns, in the page's console, about a second one). */
export function registerLearningGradients(): void {
  for (const g of LEARNING_GRADIENTS) if (!getGradient(g.kernelName)) registerGradient(g);
}
