// Runs the model in the worker: loads a verified artifact onto the chosen backend and scores
// candidates against the shopper's history. If the backend fails mid-use, it moves to the next.
import * as tf from '@tensorflow/tfjs-core';
import { fetchArtifact, type Artifact, type NamedArray } from '../model/plain/artifact';
import type { ModelConfig } from '../model/plain/config';
import type { EventLike, ItemLike } from '../model/plain/features';
import { scoreCandidates, scoreTensor } from '../model/score';
import { ADAPT_DEFAULTS, adaptPersonal } from '../model/train/adapt';
import { LOCAL_UPDATE_DEFAULTS, localDelta } from '../model/train/local-update';
import { weightsFromArrays } from '../model/tensors';
import { disposeWeights, weightSpecs, type Weights } from '../model/weights';
import type { BackendName } from '../shared/types';
import { pickBackend, type BackendLoaders } from './backend';
import type { OfferedNegatives } from './personal';
import { warmUp } from './warm-up';

export interface Ranker {
  readonly backend: BackendName;
  readonly version: string;
  score(history: readonly EventLike[], candidates: readonly ItemLike[], personal?: Float32Array): Promise<Float32Array>;
  /** The federated update of `names` from this shopper's history (see model/train/local-update.ts). */
  localDelta(names: readonly string[], history: readonly EventLike[], offered: OfferedNegatives): Promise<Float32Array | null>;
  /** Fits this shopper's personal vector (see model/train/adapt.ts); null when it would not help. */
  adapt(history: readonly EventLike[], offered: OfferedNegatives): Promise<Float32Array | null>;
  /** Frees its weights; a ranker is not used after this. */
  dispose(): void;
}

export async function loadRanker(modelUrl: string, backends: readonly BackendName[]): Promise<Ranker> {
  return createRanker(await fetchArtifact(modelUrl), backends);
}

/** A ranker on the first of `backends` that works (`loaders` stands in for the backends' packages). */
export async function createRanker(artifact: Artifact, backends: readonly BackendName[], loaders?: BackendLoaders): Promise<Ranker> {
  const cfg = artifact.json.config;
  const failed = new Set<BackendName>();
  let backend = await pickBackend(backends, failed, loaders);
  let w = backend === 'none' ? undefined : place(cfg, artifact.weights);
  if (w) await warmUp(backend, () => scoreTensor(w!, cfg, WARM_HISTORY, WARM_CANDIDATES)).catch(() => {});
  return {
    get backend() {
      return backend;
    },
    version: artifact.json.version,
    async score(history, candidates, personal) {
      while (w) {
        try {
          return await scoreCandidates(w, cfg, history, candidates, personal);
        } catch {
          // e.g. a lost WebGPU device: fall back rather than fail the shelf.
          failed.add(backend);
          disposeWeights(w);
          backend = await pickBackend(backends, failed, loaders);
          w = backend === 'none' ? undefined : place(cfg, artifact.weights);
        }
      }
      throw new Error('no TensorFlow.js backend works in this browser');
    },
    async localDelta(names, history, offered) {
      if (!w) return null;
      await import('@tensorflow/tfjs-core/dist/register_all_gradients');
      return localDelta(w, cfg, names, { history, negatives: offered.items, offerWeights: offered.weights }, LOCAL_UPDATE_DEFAULTS);
    },
    async adapt(history, offered) {
      if (!w) return null;
      await import('@tensorflow/tfjs-core/dist/register_all_gradients');
      const [result] = await adaptPersonal(w, cfg, [{ history, negatives: offered.items, offerWeights: offered.weights }], ADAPT_DEFAULTS);
      return result.personal;
    },
    dispose() {
      if (w) disposeWeights(w);
      w = undefined;
    },
  };
}

// Shaped like a real call: a full history window and a typical candidate list.
const WARM_HISTORY: EventLike[] = Array.from({ length: 256 }, (_, i) => ({ type: 'view_item', item_id: `w${i}`, category: 'a>b', brand: 'c' }));
const WARM_CANDIDATES: ItemLike[] = Array.from({ length: 50 }, (_, i) => ({ item_id: `c${i}`, category: 'a>b', brand: 'c' }));

function place(cfg: ModelConfig, arrays: NamedArray[]): Weights {
  return tf.tidy(() => weightsFromArrays(weightSpecs(cfg), arrays));
}
