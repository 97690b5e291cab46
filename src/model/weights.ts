// Names, shapes and initial values of a model's weights. Shared weights are what federated
// learning averages; personal weights never leave the device.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './plain/config';
import { EVENT_TYPE_ROWS } from '../shared/events';

export interface WeightSpec {
  name: string;
  shape: number[];
  init: 'embed' | 'dense' | 'zeros' | 'ones';
}

export type Weights = Record<string, tf.Variable>;

export function weightSpecs(cfg: ModelConfig): WeightSpec[] {
  const d = cfg.dim;
  const specs: WeightSpec[] = [
    { name: 'item', shape: [cfg.itemBuckets, d], init: 'embed' },
    { name: 'item_bias', shape: [cfg.itemBuckets, 1], init: 'zeros' },
    { name: 'category', shape: [cfg.categoryBuckets, d], init: 'embed' },
    { name: 'brand', shape: [cfg.brandBuckets, d], init: 'embed' },
    { name: 'event_type', shape: [EVENT_TYPE_ROWS, d], init: 'embed' },
    { name: 'position', shape: [cfg.maxLen, d], init: 'embed' },
  ];
  for (let b = 0; b < cfg.blocks; b++) specs.push(...blockSpecs(`block${b}`, d, d * cfg.ffnMult));
  specs.push({ name: 'final_ln_g', shape: [d], init: 'ones' }, { name: 'final_ln_b', shape: [d], init: 'zeros' });
  return specs;
}

function blockSpecs(p: string, d: number, f: number): WeightSpec[] {
  return [
    { name: `${p}/ln1_g`, shape: [d], init: 'ones' },
    { name: `${p}/ln1_b`, shape: [d], init: 'zeros' },
    { name: `${p}/wq`, shape: [d, d], init: 'dense' },
    { name: `${p}/wk`, shape: [d, d], init: 'dense' },
    { name: `${p}/wv`, shape: [d, d], init: 'dense' },
    { name: `${p}/wo`, shape: [d, d], init: 'dense' },
    { name: `${p}/ln2_g`, shape: [d], init: 'ones' },
    { name: `${p}/ln2_b`, shape: [d], init: 'zeros' },
    { name: `${p}/ffn1`, shape: [d, f], init: 'dense' },
    { name: `${p}/ffn1_b`, shape: [f], init: 'zeros' },
    { name: `${p}/ffn2`, shape: [f, d], init: 'dense' },
    { name: `${p}/ffn2_b`, shape: [d], init: 'zeros' },
  ];
}

function initialValue(spec: WeightSpec, seed: number): tf.Tensor {
  switch (spec.init) {
    case 'zeros':
      return tf.zeros(spec.shape);
    case 'ones':
      return tf.ones(spec.shape);
    case 'embed':
      return tf.truncatedNormal(spec.shape, 0, 0.05, 'float32', seed);
    case 'dense': {
      // Glorot-uniform keeps activations at unit scale through the blocks.
      const limit = Math.sqrt(6 / (spec.shape[0] + spec.shape[1]));
      return tf.randomUniform(spec.shape, -limit, limit, 'float32', seed);
    }
  }
}

export function createWeights(specs: WeightSpec[], seed = 1): Weights {
  const out: Weights = {};
  specs.forEach((spec, i) => {
    const init = initialValue(spec, seed * 7919 + i);
    out[spec.name] = tf.variable(init, true);
    init.dispose();
  });
  return out;
}

export function disposeWeights(w: Weights): void {
  for (const v of Object.values(w)) v.dispose();
}
