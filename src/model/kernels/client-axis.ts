// Every client's own gradient from one pass over a batch of clients. A probe is a zero tensor with
// a client axis, [C, ...shape], standing beside a shared weight: client c's pass reads the weight
// plus its probe, so the loss's gradient by the probe is, row c, client c's gradient of the
// weight. Because probes are zero, the forward pass never reads them and runs on the shared
// weights alone; only the backward pass splits by client. This is how a round's devices are
// simulated together (train/local-update.ts), a batch of one being what a device runs.
import * as tf from '@tensorflow/tfjs-core';
import { embed } from './embed';
import { matMul } from './matmul';
import type { Weights } from '../weights';

/** Zero tensors [C, ...shape] by weight name (see above). */
export type Probes = Record<string, tf.Tensor>;

/** How a pass reads its weights: as they are, or with probes on some of them. */
export interface Reader {
  /** x [B, T, d_in] times the matrix `name` [d_in, d_out] -> [B, T, d_out]. */
  matMul(x: tf.Tensor, name: string): tf.Tensor;
  /** The per-feature weight `name` [d], broadcastable against [B, T, d]. */
  vector(name: string): tf.Tensor;
  /** Rows `ids` of the table `name` -> [n, d]; with a probe, the ids are the B clients' in equal
   *  consecutive shares. */
  rows(name: string, ids: tf.Tensor1D): tf.Tensor2D;
}

export function reader(w: Weights, probes: Probes = {}): Reader {
  return {
    matMul: (x, name) => (probes[name] ? probedMatMul(x, w[name], probes[name]) : sharedMatMul(x, w[name])),
    vector: (name) => (probes[name] ? tf.expandDims(tf.add(w[name], probes[name]), 1) : w[name]),
    rows: (name, ids) => (probes[name] ? probedRows(w[name], probes[name], ids) : embed(w[name] as tf.Tensor2D, ids)),
  };
}

/** Zero probes [clients, ...shape] for the named weights. */
export function probesFor(w: Weights, names: readonly string[], clients: number): Probes {
  return Object.fromEntries(names.map((n) => [n, tf.zeros([clients, ...w[n].shape])]));
}

function sharedMatMul(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const out = matMul(tf.reshape(x, [-1, shape[shape.length - 1]]), w);
  return tf.reshape(out, [...shape.slice(0, -1), w.shape[1] as number]);
}

// A pass differentiates by the probes alone: the shared weights are constants to it, so they are
// closed over rather than passed as inputs, and no gradient of theirs is computed (a custom
// gradient computes all of its inputs' gradients, needed or not).

// The probe's gradient is x_cᵀ·dy_c for each client c: a batched product, while the forward pass
// and the gradient of x stay single matrix products.
function probedMatMul(x: tf.Tensor, w: tf.Tensor, probe: tf.Tensor): tf.Tensor {
  const f = tf.customGrad(((x: tf.Tensor, _probe: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: sharedMatMul(x, w),
      gradFunc: (dy: tf.Tensor, [sx]: tf.Tensor[]) => [sharedMatMul(dy, tf.transpose(w)), matMul(tf.transpose(sx, [0, 2, 1]), dy)],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, probe: tf.Tensor) => tf.Tensor;
  return f(x, probe);
}

// Rows read from the shared table; their gradient lands in each client's own copy of it.
function probedRows(table: tf.Tensor, probe: tf.Tensor, ids: tf.Tensor1D): tf.Tensor2D {
  const [clients, R] = probe.shape as number[];
  const n = ids.shape[0];
  if (n % clients !== 0) throw new Error(`probed rows: ${n} rows do not split evenly between ${clients} clients`);
  const f = tf.customGrad(((_probe: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
    const offsets = new Int32Array(n);
    for (let i = 0; i < n; i++) offsets[i] = Math.floor(i / (n / clients)) * R;
    const own = tf.reshape(tf.add(ids, tf.tensor1d(offsets, 'int32')), [-1, 1]);
    save([own]);
    return {
      value: tf.gatherND(table, tf.reshape(ids, [-1, 1])),
      gradFunc: (dy: tf.Tensor, [perClient]: tf.Tensor[]) => {
        const width = table.shape.slice(1);
        const rows = tf.reshape(dy, [n, ...width]);
        return [tf.reshape(tf.scatterND(perClient, rows, [clients * R, ...width]), probe.shape), tf.zerosLike(ids)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (probe: tf.Tensor, ids: tf.Tensor1D) => tf.Tensor2D;
  return f(probe, ids);
}
