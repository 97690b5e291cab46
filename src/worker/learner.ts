// The model as TF.js runs it, for learning only (ranking runs on the page without TF.js): the
// on-device adaptation of the personal vector and the federated update of the shared weights. It
// loads a verified artifact onto the chosen backend; a backend that fails mid-use (a lost GPU
// device, a broken driver) hands over to the next one with the same weights.
import * as tf from '@tensorflow/tfjs-core';
import { fetchArtifact, type Artifact, type NamedArray } from '../model/plain/artifact';
import type { ModelConfig } from '../model/plain/config';
import type { EventLike } from '../model/plain/features';
import { ADAPT_DEFAULTS, adaptPersonal } from '../model/train/adapt';
import { LOCAL_UPDATE_DEFAULTS, localDelta } from '../model/train/local-update';
import { weightsFromArrays } from '../model/tensors';
import { disposeWeights, weightSpecs, type Weights } from '../model/weights';
import type { BackendName } from '../shared/types';
import { pickBackend, type PickOptions } from './backend';
import { registerLearningGradients } from './gradients';
import type { OfferedNegatives } from './personal';

export interface Learner {
  readonly backend: BackendName;
  readonly version: string;
  /** The federated update of `names` from this shopper's history (see model/train/local-update.ts). */
  localDelta(names: readonly string[], history: readonly EventLike[], offered: OfferedNegatives): Promise<Float32Array | null>;
  /** Fits this shopper's personal vector (see model/train/adapt.ts): its long-term part (null
   *  when it would not help) and γ for the dismissed items (0 without any, or when it would not help). */
  adapt(history: readonly EventLike[], offered: OfferedNegatives): Promise<Fitted | null>;
  /** Frees its weights; a learner is not used after this. */
  dispose(): void;
}

interface Fitted {
  vector: Float32Array | null;
  gamma: number;
}

type BackendChoice = Omit<PickOptions, 'skip'>;

export async function loadLearner(modelUrl: string, backends: readonly BackendName[], choice: BackendChoice = {}): Promise<Learner> {
  return createLearner(await fetchArtifact(modelUrl), backends, choice);
}

/** A learner on the first of `backends` that works. */
export async function createLearner(artifact: Artifact, backends: readonly BackendName[], choice: BackendChoice = {}): Promise<Learner> {
  const cfg = artifact.json.config;
  const failed = new Set<BackendName>();
  const pick = () => pickBackend(backends, { ...choice, skip: failed });
  let backend = await pick();
  let w = backend === 'none' ? undefined : place(cfg, artifact.weights);

  /** Runs `fn` on the weights, moving to the next backend for as long as it throws. Its results
   *  are plain arrays: every tensor it makes is freed when it ends, even when it ends in an error
   *  half-way (the worker runs one learning task at a time, so the scope holds its tensors only). */
  async function run<T>(fn: (w: Weights) => Promise<T>): Promise<T | null> {
    if (!w) return null;
    registerLearningGradients();
    while (w) {
      const engine = tf.engine();
      engine.startScope();
      try {
        return await fn(w);
      } catch {
        // e.g. a lost WebGPU device: below, the same weights go to the next backend.
      } finally {
        engine.endScope();
      }
      failed.add(backend);
      disposeWeights(w);
      backend = await pick();
      w = backend === 'none' ? undefined : place(cfg, artifact.weights);
    }
    throw new Error('no TensorFlow.js backend works in this browser');
  }

  return {
    get backend() {
      return backend;
    },
    version: artifact.json.version,
    localDelta: (names, history, offered) =>
      run((weights) => localDelta(weights, cfg, names, { history, negatives: offered.items, offerWeights: offered.weights, dismissed: offered.dismissed }, LOCAL_UPDATE_DEFAULTS)),
    adapt: (history, offered) =>
      run(async (weights) => {
        const [r] = await adaptPersonal(weights, cfg, [{ history, negatives: offered.items, offerWeights: offered.weights, dismissed: offered.dismissed }], ADAPT_DEFAULTS);
        return { vector: r.longTerm, gamma: r.gamma };
      }),
    dispose() {
      if (w) disposeWeights(w);
      w = undefined;
    },
  };
}

function place(cfg: ModelConfig, arrays: NamedArray[]): Weights {
  return tf.tidy(() => weightsFromArrays(weightSpecs(cfg), arrays));
}
