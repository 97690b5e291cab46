// The fixture model's outputs on fixed inputs, computed once on the CPU backend and checked in as
// golden.json. Every backend, the CPU included, must reproduce them: a change to the model code that
// moves a number fails on all of them, not only where one backend drifts from another. After a
// deliberate change to what the model computes, regenerate them: `node tools/run.mjs golden`.
import { scoreCandidates } from '../score';
import { LOCAL_UPDATE_DEFAULTS, localDelta } from '../train/local-update';
import { federatedNames } from '../plain/federated-weights';
import { weightSpecs, type Weights } from '../weights';
import { HISTORY, ITEMS, LONG_HISTORY, TINY } from './fixture';

export const GOLDEN_FILE = 'src/model/testing/golden.json';

export interface GoldenOutputs<V = Float32Array> {
  /** Scores of every fixture item after HISTORY. */
  scores: V;
  /** With no history: the prior alone. */
  cold: V;
  /** After a history longer than the model's window. */
  long: V;
  /** After HISTORY, with a personal vector. */
  personal: V;
  /** A device's federated update of the dense weights. */
  update: V;
}

const PERSONAL = Float32Array.from({ length: TINY.dim }, (_, i) => (i % 3) * 0.2 - 0.2);

export async function goldenOutputs(w: Weights): Promise<GoldenOutputs> {
  const negatives = ITEMS.slice(10, 20);
  const input = { history: LONG_HISTORY, negatives, offerWeights: negatives.map((_, k) => k + 1) };
  const update = await localDelta(w, TINY, federatedNames(weightSpecs(TINY), 'dense'), input, { ...LOCAL_UPDATE_DEFAULTS, learningRate: 0.1 });
  if (!update) throw new Error('golden: the fixture history is too short for an update');
  return {
    scores: await scoreCandidates(w, TINY, HISTORY, ITEMS),
    cold: await scoreCandidates(w, TINY, [], ITEMS),
    long: await scoreCandidates(w, TINY, LONG_HISTORY, ITEMS),
    personal: await scoreCandidates(w, TINY, HISTORY, ITEMS, PERSONAL),
    update,
  };
}
