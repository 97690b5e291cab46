import { describe, expect, test } from 'vitest';
import type { NamedArray } from './artifact';
import { TINY } from '../testing/fixture';
import { scaledWeights } from '../testing/rank-cases';
import { weightSpecs } from '../weights';
import { createRanker } from './rank/ranker';
import { defaultGamma, DISMISS_WEIGHT, meanVector, withDismissals } from './dismissals';

function arrays(): NamedArray[] {
  const zeros = weightSpecs(TINY).map((s) => ({ name: s.name, shape: s.shape, data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)) }));
  return scaledWeights(zeros, 4, 1, 0.5);
}

describe('dismissals on the ranking path', () => {
  const ranker = createRanker(TINY, arrays());
  const tent = { item_id: 'tent', category: 'Outdoor>Tents', brand: 'Aurora' };
  const likeIt = [
    { item_id: 'tent2', category: 'Outdoor>Tents', brand: 'Aurora' },
    { item_id: 'tent3', category: 'Outdoor>Tents', brand: 'Ridge' },
  ];
  const other = [
    { item_id: 'mug', category: 'Kitchen>Mugs', brand: 'Clay' },
    { item_id: 'lamp', category: 'Home>Lamps', brand: 'Glow' },
  ];
  const history = [{ ...other[0], item_id: 'h1', type: 'view_item' }, { ...likeIt[0], item_id: 'h2', type: 'view_item' }];

  test('item vectors are what a state multiplies: a state e_k scores row k of the vector plus the prior', () => {
    const v = ranker.itemVectors([tent, ...other]);
    expect(v).toHaveLength(3 * TINY.dim);
    // Scores with and without a personal vector differ by exactly personal · item vector.
    const p = Float32Array.from({ length: TINY.dim }, (_, i) => (i % 3) - 1);
    const a = ranker.score(history, [tent, ...other], p);
    const b = ranker.score(history, [tent, ...other]);
    for (let n = 0; n < 3; n++) {
      let dot = 0;
      for (let i = 0; i < TINY.dim; i++) dot += p[i] * v[n * TINY.dim + i];
      expect(a[n] - b[n]).toBeCloseTo(dot, 3);
    }
  });

  test('before any fit, the dismissed item becomes DISMISS_WEIGHT times less likely, and items like it fall more than others', () => {
    const mean = meanVector(ranker.itemVectors([tent]), TINY.dim)!;
    const personal = withDismissals(null, undefined, mean)!;
    const all = [tent, ...likeIt, ...other];
    const before = ranker.score(history, all);
    const after = ranker.score(history, all, personal);
    const fall = Array.from(before, (s, i) => s - after[i]);
    expect(fall[0]).toBeCloseTo(Math.log(DISMISS_WEIGHT), 3);
    expect(Math.min(fall[1], fall[2])).toBeGreaterThan(Math.max(fall[3], fall[4]));
  });

  test('a fitted γ is used as fitted (0: the shopper’s own next events said no), and the long-term part is kept', () => {
    const mean = meanVector(ranker.itemVectors([tent, ...likeIt]), TINY.dim)!;
    const vector = Float32Array.from({ length: TINY.dim }, (_, i) => i / 10);
    expect(withDismissals(vector, 0, mean)).toEqual(vector);
    const got = withDismissals(vector, 2, mean)!;
    got.forEach((x, i) => expect(x).toBeCloseTo(vector[i] - 2 * mean[i], 6));
    expect(withDismissals(vector, 2, null)).toBe(vector);
    expect(withDismissals(undefined, undefined, null)).toBeNull();
    expect(meanVector(new Float32Array(0), TINY.dim)).toBeNull();
    expect(defaultGamma(new Float32Array(TINY.dim))).toBe(0);
  });
});
