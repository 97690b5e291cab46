// Log-sum-exp over the last axis whose gradient reuses the forward pass's exponentials. TF.js's
// own logSumExp differentiates through max() with a broadcast equal (slow on WASM) and recomputes
// exp; mathematically the max's share of the gradient is zero anyway.
import * as tf from '@tensorflow/tfjs-core';

const rows = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const m = tf.max(x, 1, true);
  const e = tf.exp(tf.sub(x, m));
  const total = tf.sum(e, 1, true);
  save([e, total]);
  return { value: tf.add(m, tf.log(total)), gradFunc: (dy: tf.Tensor, [se, st]: tf.Tensor[]) => tf.mul(dy, tf.div(se, st)) };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** log(sum(exp(x))) over the last axis, which is kept with size 1. */
export function logSumExpLast<T extends tf.Tensor>(x: T): T {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1]]);
  return tf.reshape(rows(flat), [...shape.slice(0, -1), 1]) as T;
}
