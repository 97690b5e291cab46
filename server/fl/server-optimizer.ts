// How the server applies a round's noisy mean update to the global weights. Plain FedAvg adds it
// (times a learning rate); FedAdam (Reddi et al., "Adaptive Federated Optimization", ICLR 2021)
// treats it as a pseudo-gradient for Adam, which gives every weight a step of about the same size
// whatever the scale of its updates. Either only post-processes the already-noised aggregate, so
// neither changes the privacy guarantee. Pure: used by the server and by the simulator alike.

export type ServerOptimizer = 'sgd' | 'adam';

export interface ServerOptimizerOptions {
  kind: ServerOptimizer;
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Adam's ε; FedAdam uses a large one (τ ≈ 1e-3) so near-zero, noise-only coordinates barely move. */
  epsilon: number;
}

export const SERVER_OPTIMIZER_DEFAULTS: ServerOptimizerOptions = { kind: 'sgd', learningRate: 1, beta1: 0.9, beta2: 0.99, epsilon: 1e-3 };

/** Adam's moments; carried from one round to the next (null before the first). */
export interface ServerOptimizerState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/** Adds the step for `mean` to `values` in place and returns the optimizer's next state. */
export function serverStep(values: Float32Array, mean: Float32Array, state: ServerOptimizerState | null, opts: ServerOptimizerOptions): ServerOptimizerState | null {
  if (values.length !== mean.length) throw new Error(`server step: ${mean.length} values for ${values.length} weights`);
  if (opts.kind === 'sgd') {
    for (let i = 0; i < values.length; i++) values[i] += opts.learningRate * mean[i];
    return null;
  }
  const s = state && state.m.length === values.length ? state : { step: 0, m: new Float32Array(values.length), v: new Float32Array(values.length) };
  const step = s.step + 1;
  const { beta1, beta2, epsilon, learningRate } = opts;
  // Bias correction as in Adam: early rounds are not damped towards zero.
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  for (let i = 0; i < values.length; i++) {
    const g = mean[i];
    s.m[i] = beta1 * s.m[i] + (1 - beta1) * g;
    s.v[i] = beta2 * s.v[i] + (1 - beta2) * g * g;
    values[i] += (learningRate * (s.m[i] / c1)) / (Math.sqrt(s.v[i] / c2) + epsilon);
  }
  return { step, m: s.m, v: s.v };
}
