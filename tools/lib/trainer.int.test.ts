import { describe, expect, test } from 'vitest';
import { useBackend } from './backend';
import { loadDataset } from './dataset';
import { leaveLastOut } from './split';
import { catalogCodes } from './catalog-tensors';
import { configFor } from './presets';
import { TRAIN_DEFAULTS, trainModel, validationSet, type TrainOptions, type Validator } from './trainer';
import { rankFull } from './full-rank';
import { summarize } from './metrics';
import { weightsToArrays } from '../../src/model/tensors';

async function fixture() {
  await useBackend('cpu');
  const ds = await loadDataset('tools/fixtures/tiny');
  const cfg = configFor(ds.items.length, false, {});
  return { split: leaveLastOut(ds.users), cfg, codes: catalogCodes(ds.items, cfg) };
}

describe('trainModel', () => {
  // The simulator's comparison rests on this: the same command must train the same start model.
  test('with dropout and a seed, two runs train the same weights; another seed trains others', async () => {
    const { split, cfg, codes } = await fixture();
    const train = async (seed: number) => {
      const opts = { ...TRAIN_DEFAULTS, epochs: 2, patience: 10, negatives: 16, dropout: 0.3, seed, log: () => {} };
      const { weights } = await trainModel(cfg, codes, split.train, split.valid, opts);
      const arrays = await weightsToArrays(weights);
      Object.values(weights).forEach((v) => v.dispose());
      return arrays.map((a) => Array.from(a.data));
    };
    const a = await train(1);
    expect(await train(1)).toEqual(a);
    expect(await train(2)).not.toEqual(a);
  }, 60_000);

  // The simulator scores its start's epochs in another thread while the next epoch trains: that
  // must choose the same epoch, stop at the same one and keep the same weights as scoring in turn.
  test('a validator answering an epoch late trains, stops and keeps what scoring in turn does', async () => {
    const { split, cfg, codes } = await fixture();
    const opts: TrainOptions = { ...TRAIN_DEFAULTS, epochs: 12, patience: 2, negatives: 16, learningRate: 0.05, seed: 3, log: () => {} };
    const validSet = validationSet(split.valid, opts);
    const scored: number[] = [];
    // Answers after the next epoch has begun, as a thread would.
    const late: Validator = (snapshot) =>
      new Promise((resolve) => {
        const ndcg = summarize(rankFull(snapshot, cfg, codes, validSet).ranks)['NDCG@10'];
        scored.push(ndcg);
        setTimeout(() => resolve(ndcg), 20);
      });
    const run = async (validator?: Validator) => {
      const r = await trainModel(cfg, codes, split.train, split.valid, opts, undefined, validator);
      const arrays = await weightsToArrays(r.weights);
      Object.values(r.weights).forEach((v) => v.dispose());
      return { epochs: r.epochs.map((e) => [e.epoch, e.loss, e.validNdcg10]), best: r.bestEpoch, weights: arrays.map((a) => Array.from(a.data)) };
    };
    const inTurn = await run();
    const lagged = await run(late);
    expect(lagged).toEqual(inTurn);
    // Patience ended training early, and the late validator had scored one epoch past the stop.
    expect(inTurn.epochs.length).toBeLessThan(opts.epochs);
    expect(scored.length).toBe(inTurn.epochs.length + 1);
  }, 120_000);
});
