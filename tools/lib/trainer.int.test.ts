import { describe, expect, test } from 'vitest';
import { useBackend } from './backend';
import { loadDataset } from './dataset';
import { leaveLastOut } from './split';
import { catalogCodes } from './catalog-tensors';
import { configFor } from './presets';
import { TRAIN_DEFAULTS, trainModel } from './trainer';
import { weightsToArrays } from '../../src/model/tensors';

describe('trainModel', () => {
  // The simulator's comparison rests on this: the same command must train the same start model.
  test('with dropout and a seed, two runs train the same weights; another seed trains others', async () => {
    await useBackend('cpu');
    const ds = await loadDataset('tools/fixtures/tiny');
    const split = leaveLastOut(ds.users);
    const cfg = configFor(ds.items.length, false, {});
    const codes = catalogCodes(ds.items, cfg);
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
});
