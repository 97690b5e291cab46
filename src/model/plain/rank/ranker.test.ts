import { describe, expect, test } from 'vitest';
import type { NamedArray } from '../artifact';
import { coOccurrenceCase, rankCases, scaledWeights } from '../../testing/rank-cases';
import { addCoScores, addPriorOf, readCoOccurrence } from '../co-occurrence';
import { coKey } from '../co-key';
import { TINY } from '../../testing/fixture';
import { weightSpecs } from '../../weights';
import { encodeItems, interestHistory } from '../features';
import { createRanker } from './ranker';
import { historyCodes, sequenceCodes } from './history';
import { INTEREST_ROWS } from '../../../shared/events';

/** Weights of every shape the network reads, without TF.js: zeros shifted by seeded noise. */
function arrays(): NamedArray[] {
  const zeros = weightSpecs(TINY).map((s) => ({ name: s.name, shape: s.shape, data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)) }));
  return scaledWeights(zeros, 3, 1, 0.5);
}

describe('plain ranker', () => {
  const ranker = createRanker(TINY, arrays());
  const cases = rankCases(TINY, 21, 30);
  const long = cases.find((c) => c.label === `${3 * TINY.maxLen} interest events`)!;

  test('reads its weights by name and exact shape, and says which one is wrong', () => {
    const good = arrays();
    expect(() => createRanker(TINY, good.filter((a) => a.name !== 'block1/wq'))).toThrow(/"block1\/wq" is missing/);
    const bad = good.map((a) => (a.name === 'position' ? { ...a, shape: [TINY.maxLen + 1, TINY.dim], data: new Float32Array((TINY.maxLen + 1) * TINY.dim) } : a));
    expect(() => createRanker(TINY, bad)).toThrow(/"position" has shape 7x8, expected 6x8/);
    expect(() => createRanker({ ...TINY, heads: 3 }, good)).toThrow(/dim must be a multiple of heads/);
    expect(() => createRanker(TINY, [...good, { name: 'personal/user', shape: [1, TINY.dim], data: new Float32Array(TINY.dim) }])).not.toThrow();
  });

  test('scores from events and from codes agree; codes past the window are not read', () => {
    expect(long.history.length).toBeGreaterThan(TINY.maxLen);
    const scores = ranker.score(long.history, long.candidates);
    const codes = historyCodes(long.history, TINY);
    expect(codes.count).toBe(TINY.maxLen);
    expect(Array.from(ranker.scoreCodes(codes, encodeItems(long.candidates, TINY)))).toEqual(Array.from(scores));
    // The whole interest history as codes: only its last maxLen events count.
    const all = historyCodes(long.history, { ...TINY, maxLen: 1000 });
    expect(all.count).toBeGreaterThan(TINY.maxLen);
    expect(Array.from(ranker.scoreCodes(all, encodeItems(long.candidates, TINY)))).toEqual(Array.from(scores));
  });

  test("a catalog sequence's codes are its events' codes, cut to the window", () => {
    const events = long.history.filter((e) => e.type in INTEREST_ROWS);
    const catalog = encodeItems(events, TINY);
    const seq = { items: events.map((_, i) => i), types: events.map((e) => INTEREST_ROWS[e.type as keyof typeof INTEREST_ROWS]) };
    expect(sequenceCodes(catalog, seq, TINY)).toEqual(historyCodes(long.history, TINY));
    expect(sequenceCodes(catalog, { items: [], types: [] }, TINY).count).toBe(0);
  });

  test('an empty interest history ranks by the prior alone, with or without a personal vector', () => {
    const lists = cases.find((c) => c.label.startsWith('list views only'))!;
    const prior = ranker.score([], lists.candidates);
    expect(new Set(prior).size).toBeGreaterThan(1);
    expect(Array.from(ranker.score(lists.history, lists.candidates, lists.personal))).toEqual(Array.from(prior));
    expect(Array.from(ranker.score(long.history, lists.candidates))).not.toEqual(Array.from(prior));
  });

  test('the personal vector shifts the state; a call carries nothing into the next', () => {
    const c = cases.find((x) => x.personal && x.history.length > 0)!;
    const first = ranker.score(c.history, c.candidates, c.personal);
    expect(Array.from(ranker.score(c.history, c.candidates))).not.toEqual(Array.from(first));
    ranker.score(long.history, long.candidates);
    ranker.warm();
    expect(Array.from(ranker.score(c.history, c.candidates, c.personal))).toEqual(Array.from(first));
    expect(ranker.score(c.history, [])).toHaveLength(0);
  });

  test('a call for the same history reuses its state; any change to the window is seen', () => {
    const fresh = () => createRanker(TINY, arrays());
    for (const c of cases) {
      const other = cases[(cases.indexOf(c) + 1) % cases.length];
      const alone = fresh().score(c.history, c.candidates, c.personal);
      const r = fresh();
      r.score(c.history, other.candidates); // the same history, another shelf, no personal vector
      expect(Array.from(r.score(c.history, c.candidates, c.personal)), c.label).toEqual(Array.from(alone));
    }
    const codes = historyCodes(long.history, TINY);
    const items = encodeItems(long.candidates, TINY);
    const r = fresh();
    const before = r.scoreCodes(codes, items);
    for (const part of ['ids', 'cats', 'brands', 'types'] as const) {
      const changed = { ...codes, [part]: codes[part].slice() };
      changed[part][changed[part].length - 1] = (changed[part][changed[part].length - 1] + 1) % 6;
      r.scoreCodes(codes, items);
      const got = r.scoreCodes(changed, items);
      expect(Array.from(got), part).toEqual(Array.from(fresh().scoreCodes(changed, items)));
      expect(Array.from(got), part).not.toEqual(Array.from(before));
    }
    const older = historyCodes(long.history.slice(0, -2), TINY); // another window of the same history
    r.scoreCodes(codes, items);
    expect(Array.from(r.scoreCodes(older, items))).toEqual(Array.from(fresh().scoreCodes(older, items)));
  });

  test('bad codes and personal vectors get clear errors', () => {
    const codes = historyCodes(long.history, TINY);
    const items = encodeItems(long.candidates, TINY);
    expect(() => ranker.score(long.history, long.candidates, new Float32Array(3))).toThrow(/personal vector has 3 values, expected 8/);
    expect(() => ranker.scoreCodes({ ...codes, types: codes.types.map(() => 9) }, items)).toThrow(/history event type row 9/);
    expect(() => ranker.scoreCodes(codes, { ...items, brands: items.brands.map(() => -1) })).toThrow(/candidates brand row -1/);
    expect(() => ranker.scoreCodes(codes, { ...items, count: items.count + 1 })).toThrow(/shorter than their count/);
  });

  test("a co-occurrence prior adds its scores for the window's events; codes without keys get none", () => {
    const co = coOccurrenceCase(3);
    const withPrior = createRanker(TINY, arrays(), addPriorOf(co));
    const table = readCoOccurrence(co)!;
    let raised = 0;
    for (const c of cases) {
      const expected = ranker.score(c.history, c.candidates, c.personal);
      const window = interestHistory(c.history, TINY.maxLen);
      if (window.length > 0) addCoScores(table, window.map((e) => coKey(e.item_id)), c.candidates.map((x) => coKey(x.item_id)), expected);
      const got = withPrior.score(c.history, c.candidates, c.personal);
      expect(Array.from(got), c.label).toEqual(Array.from(expected));
      if (got.some((v, i) => v !== ranker.score(c.history, c.candidates, c.personal)[i])) raised++;
      const { keys: _, ...bare } = encodeItems(c.candidates, TINY);
      expect(Array.from(withPrior.scoreCodes(historyCodes(c.history, TINY), bare, c.personal))).toEqual(Array.from(ranker.score(c.history, c.candidates, c.personal)));
    }
    expect(raised).toBeGreaterThan(cases.length / 2);
  });

});
