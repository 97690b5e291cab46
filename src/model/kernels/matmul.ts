// Matrix products that only ever ask the backend for the untransposed case. The WASM backend
// (XNNPACK) is fast only there: a transposed operand, which TF.js's own matMul gradient asks for,
// runs 10-30x slower. An explicit transpose is one cheap memory pass on every backend.
import * as tf from '@tensorflow/tfjs-core';

function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2], perm[perm.length - 1]];
  return tf.transpose(x, perm);
}

const product = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** a·b for matrices or equally batched stacks of them. */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return product(a, b) as T;
}

/** a·bᵀ (bᵀ over the last two axes). */
export function matMulBT<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return product(a, swapLast(b)) as T;
}

/** a·bᵀ where b is a constant of the differentiation: only a's gradient is computed (a custom
 *  gradient computes every input's, asked for or not, and b's is as costly as a's). */
export function matMulBTConstant<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    // Saved, since a pass disposes of its intermediate tensors before the gradient runs.
    save([b]);
    return { value: tf.matMul(x, swapLast(b)), gradFunc: (dy: tf.Tensor, [sb]: tf.Tensor[]) => [tf.matMul(dy, sb)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return f(a) as T;
}
