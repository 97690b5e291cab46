// How the server applies a round's noisy mean update to the global weights. Plain FedAvg adds it
// (times a learning rate); FedAdam (Reddi et al., "Adaptive Federated Optimization", ICLR 2021)
// treats it as a pseudo-gradient for Adam, which gives every weight a step of about the same size
// whatever the scale of its updates. Either only post-processes the already-noised aggregate, so
// neither changes the privacy guarantee. Pure: used by the server and by the simulator alike.

import { cosineDecay } from '../shared/schedule';

const SERVER_OPTIMIZERS = ['sgd', 'adam'] as const;
export type ServerOptimizer = (typeof SERVER_OPTIMIZERS)[number];

export const isServerOptimizer = (v: string): v is ServerOptimizer => (SERVER_OPTIMIZERS as readonly string[]).includes(v);

export interface ServerOptimizerOptions {
  kind: ServerOptimizer;
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Adam's ε. Small: with DP noise in every coordinate, √v never falls below the noise level. */
  epsilon: number;
  /** The learning rate decays along a cosine to this fraction of itself by the last round. */
  finalRate: number;
}

/** The server's recipe, in production and in the simulator. finalRate 0.5: the model still improves
 *  in its last rounds, and a steeper decay stalls it there (docs/experiments.md). */
export const SERVER_OPTIMIZER_DEFAULTS: ServerOptimizerOptions = { kind: 'adam', learningRate: 1e-2, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, finalRate: 0.5 };

/** Adam's moments; carried from one round to the next (null before the first). */
export interface ServerOptimizerState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/** The server learning rate for `round` (1-based) of `horizon`: a cosine from the base rate down to
 *  `final` × base at the last round, as central training decays its rate; late rounds then add
 *  less noise to a model that has mostly converged. Past the horizon it stays at the final rate. */
export function roundRate(base: number, round: number, horizon: number, final: number): number {
  return cosineDecay(base, horizon > 1 ? (round - 1) / (horizon - 1) : 0, final);
}

/** serverStep for `round` (1-based) of `horizon`, at the learning rate roundRate decays it to. */
export function scheduledStep(values: Float32Array, mean: Float32Array, state: ServerOptimizerState | null, opts: ServerOptimizerOptions, round: number, horizon: number): ServerOptimizerState | null {
  return serverStep(values, mean, state, { ...opts, learningRate: roundRate(opts.learningRate, round, horizon, opts.finalRate) });
}

/** The federated weights' values end to end, in order: the vector a round's mean update adds to. */
export function flatten(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
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

/** The state as bytes, for the store: float32 [step, m..., v...] (step is exact up to 2^24 rounds). */
export function encodeState(state: ServerOptimizerState): Uint8Array {
  const out = new Float32Array(1 + 2 * state.m.length);
  out[0] = state.step;
  out.set(state.m, 1);
  out.set(state.v, 1 + state.m.length);
  return new Uint8Array(out.buffer);
}

/** Reads encodeState's bytes; null (a fresh start) when they are absent or for another size of model. */
export function decodeState(bytes: Uint8Array | null, length: number): ServerOptimizerState | null {
  if (!bytes || bytes.byteLength !== 4 * (1 + 2 * length)) return null;
  const all = new Float32Array(bytes.slice().buffer);
  return { step: all[0], m: all.subarray(1, 1 + length), v: all.subarray(1 + length) };
}
