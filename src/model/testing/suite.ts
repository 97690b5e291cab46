// The model's behaviour on one TF.js backend. Node runs it on CPU and WASM, the browser project on
// WebGPU, WebGL and CPU (tfjs's describeWithFlags idea): same assertions everywhere, and the same
// checked-in outputs (golden.json) for every backend.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import { disposeWeights, weightSpecs, type Weights } from '../weights';
import { scoreCandidates } from '../score';
import { weightsFromArrays, weightsToArrays } from '../tensors';
import { createRanker } from '../plain/rank/ranker';
import { meanVector, withDismissals } from '../plain/dismissals';
import { makeTrainArrays } from '../train/train-batch';
import { batchTensors, encode, itemTensors, type Dropout } from '../network';
import { collisionMask, nextItemLoss } from '../train/objective';
import { encodeItems, type EventLike, type ItemLike } from '../plain/features';
import { HISTORY, ITEMS, LONG_HISTORY, TINY } from './fixture';
import { fixtureArrays } from './fixture-weights';
import { goldenOutputs, type GoldenOutputs } from './golden';
import golden from './golden.json';
import { ADAPT_DEFAULTS, adaptPersonal } from '../train/adapt';
import { LOCAL_UPDATE_DEFAULTS, localDelta, localDeltas } from '../train/local-update';
import { federatedNames } from '../plain/federated-weights';
import { offerLogQ } from '../plain/sampling';
import { l2norm } from '../../privacy/fixed-point';
import { interestRow } from '../../shared/events';

/** One SGD step of nextItemLoss, the central trainer's objective, on one shopper's events: the
 *  reference a device's update must equal. */
async function centralStep(w: Weights, names: string[], events: EventLike[], negatives: ItemLike[], offerWeights: number[], lr: number): Promise<Float32Array> {
  const all = [...events, ...negatives];
  const arrays = makeTrainArrays([{ items: events.map((_, i) => i), types: events.map((e) => interestRow(e.type)) }], encodeItems(all, TINY), TINY);
  const rows = (r: ArrayLike<number>) => encodeItems(Array.from(r, (i) => all[i]), TINY);
  const ids = (r: ArrayLike<number>) => Array.from(r, (i) => all[i].item_id);
  const negRows = negatives.map((_, j) => events.length + j);
  const grads = tf.tidy(() => {
    const { grads } = tf.variableGrads(() =>
      nextItemLoss(w, TINY, {
        inputs: batchTensors(arrays.inputs, TINY),
        slots: tf.tensor1d(arrays.slots, 'int32'),
        targets: itemTensors(rows(arrays.targets), TINY),
        negatives: itemTensors(rows(negRows), TINY),
        collisions: tf.tensor2d(collisionMask(ids(arrays.targets), ids(negRows)), [arrays.targets.length, negatives.length]),
        negativeLogQ: tf.tensor1d(offerLogQ(offerWeights, negatives.length)),
      }, 0), names.map((n) => w[n]));
    return tf.concat(names.map((n) => tf.reshape(tf.mul(grads[w[n].name], -lr), [-1])));
  });
  const out = (await grads.data()) as Float32Array;
  grads.dispose();
  return out;
}

/** Equal to float32 rounding, relative to the vector's largest value (WebGPU sums in another order
 *  than the CPU). */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what = 'values') {
  const scale = Math.max(...Array.from(want, Math.abs));
  expect(scale).toBeGreaterThan(0);
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst / scale, what).toBeLessThan(1e-4);
}

/** For tests that compile many kernels: SwiftShader compiles each one's shader on first use, a
 *  second or more apiece on a busy machine, and runs a GPU training step in about a second. */
const SLOW = 120_000;

/** The suite on `backend`, which `setUp` makes TF.js's current backend. A backend that should be
 *  there and is not fails every test: skipping would let a broken backend pass unnoticed. */
export function modelSuite(backend: string, setUp: () => Promise<void>) {
  describe(`model on ${backend}`, () => {
    let w: Weights;
    beforeAll(async () => {
      await setUp();
      expect(tf.getBackend()).toBe(backend);
      w = weightsFromArrays(weightSpecs(TINY), fixtureArrays());
    });
    afterAll(() => w && disposeWeights(w));

    test('scores every candidate with finite values, deterministically', async () => {
      const a = await scoreCandidates(w, TINY, HISTORY, ITEMS);
      const b = await scoreCandidates(w, TINY, HISTORY, ITEMS);
      expect(a).toHaveLength(ITEMS.length);
      expect(Array.from(a).every(Number.isFinite)).toBe(true);
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    test('reproduces the checked-in outputs (golden.json)', async () => {
      // Weights of its own: the training test below moves the suite's.
      const fresh = weightsFromArrays(weightSpecs(TINY), fixtureArrays());
      const here = await goldenOutputs(fresh);
      disposeWeights(fresh);
      for (const key of Object.keys(golden) as (keyof GoldenOutputs)[]) expectClose(here[key], golden[key], key);
    }, SLOW);

    test('the history changes the scores; an empty history scores by the prior', async () => {
      const withHistory = await scoreCandidates(w, TINY, HISTORY, ITEMS);
      const cold = await scoreCandidates(w, TINY, [], ITEMS);
      expect(Array.from(cold)).not.toEqual(Array.from(withHistory));
    });

    test('does not leak tensors', async () => {
      await scoreCandidates(w, TINY, HISTORY, ITEMS);
      const before = tf.memory().numTensors;
      await scoreCandidates(w, TINY, HISTORY, ITEMS);
      expect(tf.memory().numTensors).toBe(before);
    });

    test('training steps lower the loss', async () => {
      const codes = encodeItems(ITEMS, TINY);
      const seqs = [0, 1, 2, 3].map((u) => ({ items: [u, u + 4, u + 8, u + 12, u + 16], types: [1, 1, 1, 4, 5] }));
      const arrays = makeTrainArrays(seqs, codes, TINY);
      const negatives = Int32Array.from(ITEMS.keys());
      const pick = (rows: ArrayLike<number>) => encodeItems(Array.from(rows, (r) => ITEMS[r]), TINY);
      const loss = () =>
        nextItemLoss(w, TINY, {
          inputs: batchTensors(arrays.inputs, TINY),
          slots: tf.tensor1d(arrays.slots, 'int32'),
          targets: itemTensors(pick(arrays.targets), TINY),
          negatives: itemTensors(pick(negatives), TINY),
          collisions: tf.tensor2d(collisionMask(arrays.targets, negatives), [arrays.targets.length, negatives.length]),
        }, 0);
      const value = async () => {
        const t = tf.tidy(loss);
        const v = (await t.data())[0];
        t.dispose();
        return v;
      };
      const optimizer = tf.train.adam(0.1);
      const first = await value();
      for (let i = 0; i < 8; i++) tf.dispose(optimizer.minimize(loss, true) ?? []);
      const last = await value();
      optimizer.dispose();
      expect(Number.isFinite(first)).toBe(true);
      expect(last).toBeLessThan(first * 0.8);
    }, SLOW);

    test("a device's update is -lr x its gradient of the central training objective", async () => {
      const names = federatedNames(weightSpecs(TINY), 'dense');
      const negatives = ITEMS.slice(10, 20);
      const offerWeights = negatives.map((_, k) => k + 1);
      const got = await localDelta(w, TINY, names, { history: LONG_HISTORY, negatives, offerWeights }, { ...LOCAL_UPDATE_DEFAULTS, learningRate: 0.1 });
      const expected = await centralStep(w, names, LONG_HISTORY.slice(-(TINY.maxLen + 1)), negatives, offerWeights, 0.1);
      expect(got).toHaveLength(expected.length);
      expectClose(got!, expected);
    }, SLOW);

    test("a device's dismissed items are negatives of its update, like the items it was offered", async () => {
      const names = federatedNames(weightSpecs(TINY), 'dense');
      const negatives = ITEMS.slice(10, 20);
      const offerWeights = negatives.map((_, k) => k + 1);
      const dismissed = [ITEMS[21], ITEMS[12], ITEMS[21]]; // one of them was offered too; one dismissed twice
      const got = await localDelta(w, TINY, names, { history: LONG_HISTORY, negatives, offerWeights, dismissed }, { ...LOCAL_UPDATE_DEFAULTS, learningRate: 0.1 });
      const offered = negatives.filter((n) => n !== ITEMS[12]);
      const weights = offerWeights.filter((_, k) => negatives[k] !== ITEMS[12]);
      const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
      const expected = await centralStep(w, names, LONG_HISTORY.slice(-(TINY.maxLen + 1)), [ITEMS[21], ITEMS[12], ...offered], [mean, mean, ...weights], 0.1);
      expectClose(got!, expected);
      const without = await localDelta(w, TINY, names, { history: LONG_HISTORY, negatives, offerWeights }, { ...LOCAL_UPDATE_DEFAULTS, learningRate: 0.1 });
      expect(Array.from(got!)).not.toEqual(Array.from(without!));
    }, SLOW);

    test('devices batched together get the updates each gets alone', async () => {
      // Every weight, so the catalog tables' probes are exercised too; histories of different
      // lengths (one cut to the window), a device offered fewer items, one with too little history.
      const names = federatedNames(weightSpecs(TINY), 'all');
      const inputs = [
        { history: LONG_HISTORY, negatives: ITEMS.slice(12, 20) },
        { history: HISTORY.slice(0, 1), negatives: ITEMS.slice(12, 20) },
        { history: HISTORY, negatives: ITEMS.slice(5, 8), offerWeights: [3, 1, 1] },
        { history: HISTORY.slice(0, 3), negatives: ITEMS.slice(0, 10) },
      ];
      const before = tf.memory().numTensors;
      const together = await localDeltas(w, TINY, names, inputs);
      expect(tf.memory().numTensors).toBe(before);
      expect(together[1]).toBeNull();
      for (const [i, input] of inputs.entries()) {
        const alone = await localDelta(w, TINY, names, input);
        if (alone === null) continue;
        expectClose(together[i]!, alone);
      }
      expect(l2norm(together[0]!)).toBeGreaterThan(0);
    }, SLOW);

    test('seeded dropout draws the same masks again; another seed, or none, draws others', async () => {
      const codes = encodeItems(ITEMS, TINY);
      const arrays = makeTrainArrays([{ items: [0, 4, 8, 12, 16], types: [1, 1, 1, 4, 5] }], codes, TINY);
      const states = async (dropout: Dropout) => {
        const t = tf.tidy(() => encode(w, TINY, batchTensors(arrays.inputs, TINY), dropout));
        const v = Array.from(await t.data());
        t.dispose();
        return v;
      };
      const plain = await states(0);
      const seeded = await states({ rate: 0.3, seed: 11 });
      expect(await states({ rate: 0.3, seed: 11 })).toEqual(seeded);
      expect(seeded).not.toEqual(plain);
      expect(await states({ rate: 0.3, seed: 12 })).not.toEqual(seeded);
      expect(await states(0.3)).not.toEqual(seeded);
      expect(await states({ rate: 0, seed: 11 })).toEqual(plain);
    });

    test('adaptation weighs the older part of a long history only when it predicts the held-out event better', async () => {
      // A model that knows nothing but categories: every weight zero except the category table,
      // so the window's state is empty and only the long-term memory can tell the categories apart.
      const cats = weightSpecs(TINY).map((spec) => (spec.name === 'category' ? tf.randomNormal(spec.shape, 0, 1, 'float32', 5) : tf.zeros(spec.shape)));
      const only = Object.fromEntries(weightSpecs(TINY).map((spec, i) => [spec.name, tf.variable(cats[i])])) as Weights;
      tf.dispose(cats);
      const taste = ITEMS.filter((i) => i.category === 'Kitchen>Knives');
      const history = [...taste, ...taste, ...taste].map((i) => ({ ...i, type: 'view_item' }));
      expect(history.length).toBeGreaterThan(TINY.maxLen + 2);
      const negatives = ITEMS.filter((i) => i.category !== 'Kitchen>Knives');
      const [fitted, short] = await adaptPersonal(only, TINY, [{ history, negatives }, { history: history.slice(0, TINY.maxLen + 2), negatives }]);
      const [gated] = await adaptPersonal(only, TINY, [{ history, negatives }], { ...ADAPT_DEFAULTS, margin: 1e9 });
      // Within the window there is nothing older to remember; a gate nothing passes keeps nothing.
      expect(short.personal).toBeNull();
      expect(gated.personal).toBeNull();
      expect(fitted.beta).toBeGreaterThan(0);
      expect(fitted.after).toBeLessThan(fitted.before);
      const plain = await scoreCandidates(only, TINY, history, ITEMS);
      const adapted = await scoreCandidates(only, TINY, history, ITEMS, fitted.personal!);
      const isTaste = (i: number) => ITEMS[i].category === 'Kitchen>Knives';
      const mean = (xs: Float32Array, pick: (i: number) => boolean) => {
        const v = Array.from(xs).filter((_, i) => pick(i));
        return v.reduce((a, b) => a + b, 0) / v.length;
      };
      const margin = (x: Float32Array) => mean(x, isTaste) - mean(x, (i) => !isTaste(i));
      expect(margin(adapted)).toBeGreaterThan(margin(plain) + 0.1);
      Object.values(only).forEach((v) => v.dispose());
    }, SLOW);

    test('a dismissal is a strong negative: a short history adapts, and items of its category fall', async () => {
      const cats = weightSpecs(TINY).map((spec) => (spec.name === 'category' ? tf.randomNormal(spec.shape, 0, 1, 'float32', 7) : tf.zeros(spec.shape)));
      const only = Object.fromEntries(weightSpecs(TINY).map((spec, i) => [spec.name, tf.variable(cats[i])])) as Weights;
      tf.dispose(cats);
      const knives = (i: ItemLike) => i.category === 'Kitchen>Knives';
      const history = ITEMS.filter((i) => !knives(i)).slice(0, 4).map((i) => ({ ...i, type: 'view_item' }));
      expect(history.length).toBeLessThan(TINY.maxLen); // no older part: β alone would keep nothing
      const negatives = ITEMS.filter((i) => !history.some((h) => h.item_id === i.item_id));
      const dismissed = [ITEMS.find(knives)!];
      const [fitted, none] = await adaptPersonal(only, TINY, [{ history, negatives, dismissed }, { history, negatives }]);
      expect(none.personal).toBeNull();
      expect(fitted.gamma).toBeGreaterThan(0);
      expect(fitted.beta).toBe(0); // nothing older than the window
      expect(fitted.after).toBeLessThan(fitted.before);
      const plain = await scoreCandidates(only, TINY, history, ITEMS);
      const adapted = await scoreCandidates(only, TINY, history, ITEMS, fitted.personal!);
      const mean = (xs: Float32Array, pick: (i: number) => boolean) => {
        const v = Array.from(xs).filter((_, i) => pick(i));
        return v.reduce((a, b) => a + b, 0) / v.length;
      };
      const margin = (x: Float32Array) => mean(x, (i) => knives(ITEMS[i])) - mean(x, (i) => !knives(ITEMS[i]));
      expect(margin(adapted)).toBeLessThan(margin(plain) - 0.1);
      // The page ranks with the fitted parts put back together over the dismissed items of the moment.
      const ranker = createRanker(TINY, await weightsToArrays(only));
      const onPage = withDismissals(fitted.longTerm, fitted.gamma, meanVector(ranker.itemVectors(dismissed), TINY.dim));
      expectClose(onPage!, fitted.personal!);
      // With dismissals in the batch, a shopper without any still gets exactly what it got alone.
      const long = [...history, ...history, ...history, ...history].map((e, k) => ({ ...e, item_id: `${e.item_id}-${k}` }));
      const [alone] = await adaptPersonal(only, TINY, [{ history: long, negatives }]);
      const [, mixed] = await adaptPersonal(only, TINY, [{ history, negatives, dismissed }, { history: long, negatives }]);
      expect(mixed.beta).toBeCloseTo(alone.beta, 5);
      expect(mixed.gamma).toBe(0);
      Object.values(only).forEach((v) => v.dispose());
    }, SLOW);
  });
}
