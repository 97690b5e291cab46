import { describe, expect, it } from 'vitest';
import { addComplementScores, coPurchase, lift, sessionBaskets } from './co-purchase';

const pairs = (cp: ReturnType<typeof coPurchase>, a: number) =>
  Object.fromEntries(Array.from({ length: cp.start[a + 1] - cp.start[a] }, (_, k) => [cp.ids[cp.start[a] + k], cp.counts[cp.start[a] + k]]));

describe('coPurchase', () => {
  it('counts baskets per item and each pair once per basket, both ways', () => {
    const cp = coPurchase([[0, 1, 1], [0, 1, 2], [2], []], 4);
    expect(cp.baskets).toBe(3);
    expect(Array.from(cp.support)).toEqual([2, 2, 2, 0]);
    expect(pairs(cp, 0)).toEqual({ 1: 2, 2: 1 });
    expect(pairs(cp, 1)).toEqual({ 0: 2, 2: 1 });
    expect(pairs(cp, 2)).toEqual({ 0: 1, 1: 1 });
    expect(pairs(cp, 3)).toEqual({});
  });

  it('rejects items outside the catalog', () => {
    expect(() => coPurchase([[0, 4]], 4)).toThrow(/item 4 is outside 0..3/);
    expect(() => coPurchase([[1.5]], 4)).toThrow(/item 1.5/);
    expect(() => coPurchase([], 70000)).toThrow(/item count/);
  });
});

describe('lift', () => {
  it('is observed over expected co-purchases, shrunk towards 1 by the prior', () => {
    // 10 baskets; items 0 and 1 in 4 each, together in 4: expected 1.6.
    const baskets = [...Array(4).fill([0, 1]), ...Array(6).fill([2])];
    const cp = coPurchase(baskets, 3);
    expect(lift(cp, 0, 1, 4, 0)).toBeCloseTo(4 / 1.6);
    expect(lift(cp, 0, 1, 4, 1)).toBeCloseTo(5 / 2.6);
    expect(lift(cp, 0, 2, 0, 1)).toBeCloseTo(1 / (2.4 + 1));
  });
});

describe('addComplementScores', () => {
  // 0 and 1 go together; 2 is bought with everything because it is in every basket.
  const baskets = [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 2], [3, 2], [3, 2], [4, 2], [4, 2], [0, 4, 2]];
  const cp = coPurchase(baskets, 5);

  it('adds the excess lift of positively associated items seen together often enough', () => {
    const out = new Float64Array(5);
    addComplementScores(cp, [0], out, { prior: 0, minSupport: 2 });
    expect(out[1]).toBeCloseTo((3 * 9) / (5 * 3) - 1);
    // Item 2 is in every basket: lift exactly 1, no association. Item 4 only once with 0.
    expect(out[2]).toBe(0);
    expect(out[4]).toBe(0);
    expect(out[0]).toBe(0);
    const loose = new Float64Array(5);
    addComplementScores(cp, [0], loose, { prior: 0, minSupport: 1 });
    expect(loose[4]).toBe(0); // 1 basket together, expected 5·3/9 = 1.67: lift below 1
  });

  it('sums over context items, each counted once', () => {
    const one = new Float64Array(5);
    addComplementScores(cp, [0], one, { prior: 1, minSupport: 2 });
    const twice = new Float64Array(5);
    addComplementScores(cp, [0, 0, 1], twice, { prior: 1, minSupport: 2 });
    expect(twice[1]).toBeCloseTo(one[1]);
    expect(twice[0]).toBeGreaterThan(0);
    expect(() => addComplementScores(cp, [7], new Float64Array(5))).toThrow(/item 7/);
  });
});

describe('sessionBaskets', () => {
  it('starts a basket per shopper and after a gap', () => {
    const m = 60_000;
    const events = [
      { user: 'a', item: 1, ts: 0 },
      { user: 'a', item: 2, ts: 10 * m },
      { user: 'a', item: 3, ts: 41 * m },
      { user: 'b', item: 4, ts: 42 * m },
      { user: 'b', item: 5, ts: 43 * m },
    ];
    expect(sessionBaskets(events)).toEqual([[1, 2], [3], [4, 5]]);
    expect(sessionBaskets(events, 5 * m)).toEqual([[1], [2], [3], [4, 5]]);
    expect(sessionBaskets([])).toEqual([]);
  });
});
