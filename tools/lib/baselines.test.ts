import { describe, expect, test } from 'vitest';
import type { Sequence } from '../../src/model/plain/batch';
import {
  baselineRanks,
  buildBaselines,
  distinctSeqs,
  itemKnnBaseline,
  itemNeighbours,
  popularityBaseline,
  popularityCounts,
  sknnBaseline,
  type Baseline,
} from './baselines';
import { loadDataset } from './dataset';
import { historySet } from './full-rank';
import { summarize } from './metrics';
import { rng } from '../../src/shared/random';
import { leaveLastOut, type Case } from './split';

const seq = (...items: number[]): Sequence => ({ items, types: items.map(() => 1) });

// Five items. Distinct sets: s0 {0,1,2}, s1 {0,1}, s2 {1,3}, s3 {1,2} (item 2 repeated).
// Event counts: item0 2, item1 4, item2 3, item3 1, item4 0.
const toy = [seq(0, 1, 2), seq(0, 1), seq(1, 3), seq(1, 2, 2)];

function scores(b: Baseline, h: Sequence, n = 5): Float32Array {
  const out = new Float32Array(n).fill(NaN);
  b.score(h, out);
  return out;
}

const order = (s: Float32Array) => Array.from(s.keys()).sort((a, b) => s[b] - s[a]);

describe('popularity', () => {
  test('counts every training event, repeats included', () => {
    expect(Array.from(popularityCounts(5, toy))).toEqual([2, 4, 3, 1, 0]);
    expect(order(scores(popularityBaseline(popularityCounts(5, toy)), seq(3)))).toEqual([1, 2, 0, 3, 4]);
  });
  test('an item outside the catalog is a clear error', () => {
    expect(() => popularityCounts(5, [seq(0, 7)])).toThrow(/item index 7 is outside the catalog/);
  });
});

describe('item-kNN (hand-computed cosine)', () => {
  test('plain cosine: co-occurring sequences / sqrt(support_i * support_j)', () => {
    const t = itemNeighbours(5, distinctSeqs(toy, 5), { neighbours: 10, window: 50, decay: 'none' });
    const row = (i: number) => Object.fromEntries(Array.from(t.ids.subarray(t.start[i], t.start[i + 1]), (j, p) => [j, t.sims[t.start[i] + p]]));
    // support: 0→2, 1→4, 2→2, 3→1. (0,1): s0,s1 → 2/√8; (0,2): s0 → 1/√4; (1,2): s0,s3 → 2/√8; (1,3): s2 → 1/√4.
    expect(row(0)).toEqual({ 1: expect.closeTo(Math.SQRT1_2, 6), 2: expect.closeTo(0.5, 6) });
    expect(row(1)).toEqual({ 0: expect.closeTo(Math.SQRT1_2, 6), 2: expect.closeTo(Math.SQRT1_2, 6), 3: expect.closeTo(0.5, 6) });
    expect(row(4)).toEqual({});
    // Best first within a row.
    expect(Array.from(t.ids.subarray(t.start[1], t.start[1] + 2)).sort()).toEqual([0, 2]);
    expect(t.ids[t.start[1] + 2]).toBe(3);
  });

  test('inverse-distance decay and the window change the weights as documented', () => {
    const inv = itemNeighbours(5, distinctSeqs(toy, 5), { neighbours: 10, window: 50, decay: 'inverse' });
    // (0,2) only co-occur in s0, two apart: 1/2 / √(2·2) = 0.25.
    expect(inv.sims[inv.start[0] + 1]).toBeCloseTo(0.25, 6);
    const near = itemNeighbours(5, distinctSeqs(toy, 5), { neighbours: 10, window: 1, decay: 'none' });
    expect(Array.from(near.ids.subarray(near.start[0], near.start[1]))).toEqual([1]);
  });

  test('scores the last item\'s neighbours, then everything else by popularity', () => {
    const s = scores(itemKnnBaseline(5, toy, { decay: 'none' }), seq(3, 0));
    expect(s[1]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(s[2]).toBeCloseTo(0.5, 5);
    // Non-neighbours: popularity order (item 3 seen once, item 4 never), strictly below any neighbour.
    expect(order(s)).toEqual([1, 2, 0, 3, 4]);
    expect(s[3]).toBeGreaterThan(s[4]);
    expect(s[3]).toBeLessThan(0.25);
  });

  test('keeps only the k best neighbours', () => {
    const s = scores(itemKnnBaseline(5, toy, { decay: 'none', neighbours: 1 }), seq(1));
    // Item 1's best neighbours tie at 1/√2 (items 0 and 2); the lower index wins the tie.
    expect(s[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(s[2]).toBeLessThan(0.5);
  });

  test('matches a brute-force cosine on random data', () => {
    const random = rng(7);
    const seqs = Array.from({ length: 40 }, () => seq(...Array.from({ length: 2 + Math.floor(random() * 6) }, () => Math.floor(random() * 12))));
    const t = itemNeighbours(12, distinctSeqs(seqs, 12), { neighbours: 100, window: 100, decay: 'none' });
    const sets = seqs.map((s) => new Set(s.items as number[]));
    for (let i = 0; i < 12; i++) {
      for (let p = t.start[i]; p < t.start[i + 1]; p++) {
        const j = t.ids[p];
        const both = sets.filter((s) => s.has(i) && s.has(j)).length;
        const cos = both / Math.sqrt(sets.filter((s) => s.has(i)).length * sets.filter((s) => s.has(j)).length);
        expect(t.sims[p]).toBeCloseTo(cos, 6);
      }
      const expected = new Set(sets.filter((s) => s.has(i)).flatMap((s) => [...s]).filter((j) => j !== i));
      expect(new Set(t.ids.subarray(t.start[i], t.start[i + 1]))).toEqual(expected);
    }
  });
});

describe('SKNN', () => {
  // History {0,1}, linear weights: item0 0.5, item1 1; |h| = √1.25.
  // s0 {0,1,2}: 1.5 / (√1.25·√3) = 0.7746; s2 {1,3} and s3 {1,2}: 1 / (√1.25·√2) = 0.6325; s1 {0,1}: 0.9487.
  const opts = { decay: 'linear' as const, neighbours: 100 };

  test('item score = sum of the similarities of the neighbours holding it', () => {
    const s = scores(sknnBaseline(5, toy, opts), seq(0, 1));
    expect(s[2]).toBeCloseTo(0.7746 + 0.6325, 3);
    expect(s[3]).toBeCloseTo(0.6325, 3);
    expect(s[0]).toBeCloseTo(0.7746 + 0.9487, 3);
    expect(s[4]).toBeLessThan(0.6325 / 2);
  });

  test('the user\'s own training sequence is never its neighbour', () => {
    const one = { ...opts, neighbours: 1 };
    // By identity: the history IS s1. The best other neighbour is s0, so item 2 gets 0.7746.
    expect(scores(sknnBaseline(5, toy, one), toy[1])[2]).toBeCloseTo(0.7746, 3);
    // A different user with the same items is a legitimate neighbour (s1, 0.9487, holds no item 2).
    expect(scores(sknnBaseline(5, toy, one), seq(0, 1))[2]).toBeLessThan(0.9487 / 2);
  });

  test('a prefix of the same user array (leaveLastOut\'s histories) counts as self too', () => {
    const user = Int32Array.of(0, 1, 4);
    const trains = [toy[0], toy[2], toy[3], { items: user.subarray(0, 2), types: user.subarray(0, 2) }];
    const s = scores(sknnBaseline(5, trains, { ...opts, neighbours: 1 }), { items: user.subarray(0, 2), types: user });
    expect(s[2]).toBeCloseTo(0.7746, 3);
  });

  test('the div decay leans on the newest items', () => {
    // History 3 then 0 then 1: under 'div' item 3 weighs 1/3, under 'linear' 1/3 as well, item 0 1/2 vs 2/3.
    const lin = scores(sknnBaseline(5, toy, opts), seq(3, 0, 1));
    const div = scores(sknnBaseline(5, toy, { ...opts, decay: 'div' }), seq(3, 0, 1));
    // s2 {1,3} vs s0 {0,1,2}: dot (1+1/3) vs (1+2/3) linear, (1+1/3) vs (1+1/2) div; the ratio narrows.
    const ratio = (s: Float32Array) => s[3] / s[2];
    expect(ratio(div)).toBeGreaterThan(ratio(lin));
  });

  test('an empty history falls back to popularity', () => {
    expect(order(scores(sknnBaseline(5, toy), seq()))).toEqual([1, 2, 0, 3, 4]);
  });
});

describe('baselineRanks', () => {
  test('ranks with the case\'s exclusions and returns the top items', () => {
    const cases: Case[] = [
      { userId: 'a', history: seq(1), target: 2 },
      { userId: 'b', history: seq(0), target: 4 },
    ];
    const r = baselineRanks(popularityBaseline(popularityCounts(5, toy)), cases, 5, historySet, 2);
    expect(Array.from(r.ranks)).toEqual([0, 3]);
    expect(r.tops).toEqual([
      [2, 0],
      [1, 2],
    ]);
  });

  test('buildBaselines returns the three named baselines', () => {
    expect(buildBaselines(5, toy).map((b) => b.name)).toEqual(['popularity', 'itemknn', 'sknn']);
  });
});

describe('on the tiny fixture', () => {
  test('the neighbourhood baselines learn its chains, popularity does not', async () => {
    const ds = await loadDataset('tools/fixtures/tiny');
    const { test: cases } = leaveLastOut(ds.users);
    const hr = (b: Baseline) => summarize(baselineRanks(b, cases, ds.items.length, historySet).ranks)['HR@10'];
    const [pop, iknn, sknn] = buildBaselines(ds.items.length, cases.map((c) => c.history));
    expect(hr(iknn)).toBeGreaterThan(0.7);
    expect(hr(sknn)).toBeGreaterThan(0.7);
    expect(hr(pop)).toBeLessThan(0.4);
  });
});
