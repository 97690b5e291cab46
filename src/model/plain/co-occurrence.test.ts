import { describe, expect, test } from 'vitest';
import { decodeWeights, encodeWeights, type NamedArray } from './artifact';
import { CO_MAX_ITEMS, addCoScores, addPriorOf, coArrays, coRow, coScores, readCoOccurrence, type CoOccurrence } from './co-occurrence';
import { coKey, hasPrior } from './co-key';
import { federatedNames } from './federated-weights';

const ids = ['A', 'B', 'C', 'D', 'E'];
const key = Object.fromEntries(ids.map((id) => [id, coKey(id)]));
const order = [...ids].sort((a, b) => key[a] - key[b]);
const row = (id: string) => order.indexOf(id);

/** A: B 0.5, C 0.25. B: A 0.5. C: A 0.25, D 1. D: C 1. E: none. */
function table(weight = 2, recent = 2): CoOccurrence {
  const k = 2;
  const neighbours = new Uint16Array(order.length * k).fill(CO_MAX_ITEMS);
  const sims = new Float32Array(order.length * k);
  const set = (from: string, list: [string, number][]) =>
    list.forEach(([to, sim], j) => {
      neighbours[row(from) * k + j] = row(to);
      sims[row(from) * k + j] = sim;
    });
  set('A', [['B', 0.5], ['C', 0.25]]);
  set('B', [['A', 0.5]]);
  set('C', [['D', 1], ['A', 0.25]]);
  set('D', [['C', 1]]);
  return { keys: Uint32Array.from(order, (id) => key[id]), k, neighbours, sims, simScale: 1, weight, recent };
}

const byId = (scores: Map<number, number>) => Object.fromEntries([...scores].map(([r, v]) => [order[r], v]));

describe('co-occurrence prior', () => {
  test("the newest distinct items' neighbours, the r-th newest weighing 1/r, times the weight", () => {
    const co = table(2, 2);
    // Newest C, then A (its repeat counts once); B is past `recent`.
    expect(byId(coScores(co, ['B', 'A', 'C', 'C'].map((id) => key[id])))).toEqual({ D: 2, A: 0.5 + 0, B: 0.5, C: 0.25 });
    // An item the table lacks still takes its place among the newest.
    expect(byId(coScores(co, ['A', 'X'].map(coKey)))).toEqual({ B: 0.5, C: 0.25 });
    expect(coScores({ ...co, weight: 0 }, [key.A]).size).toBe(0);
  });

  test('adds to the candidates it raises and leaves the rest, unknown ids included', () => {
    const scores = Float32Array.of(1, 1, 1, 1);
    addCoScores(table(1, 1), [key.A], ['B', 'C', 'E', 'Z'].map(coKey), scores);
    expect(Array.from(scores)).toEqual([1.5, 1.25, 1, 1]);
    expect(coRow(table(), coKey('Z'))).toBe(-1);
  });

  test.each(['float32', 'uint8'] as const)('stored in a %s weights file: keys and rows exact, similarities within half a step', (q) => {
    const co = table(3.5, 4);
    const { entries, bin } = encodeWeights(coArrays(co), q);
    const back = readCoOccurrence(decodeWeights(entries, bin.buffer as ArrayBuffer))!;
    expect(Array.from(back.keys)).toEqual(Array.from(co.keys));
    expect(Array.from(back.neighbours)).toEqual(Array.from(co.neighbours));
    Array.from(back.sims, (s, i) => expect(Math.abs(s * back.simScale - co.sims[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-7));
    expect([back.weight, back.recent, back.k]).toEqual([3.5, 4, 2]);
    // Written again from what was read, in any quantization (the federated server writes float32,
    // the quantize tool uint8), it is the same bytes.
    for (const next of ['float32', 'uint8'] as const) expect(encodeWeights(decodeWeights(entries, bin.buffer as ArrayBuffer), next).bin).toEqual(bin);
  });

  test('a model without one has none; a malformed one is refused with what is wrong', () => {
    const network = [{ name: 'item', shape: [1], data: new Float32Array(1) }];
    expect(readCoOccurrence(network)).toBeNull();
    expect([hasPrior(network), addPriorOf(network)]).toEqual([false, null]);
    expect(hasPrior([...network, ...coArrays(table())])).toBe(true);
    const good = coArrays(table());
    const edit = (name: string, f: (a: NamedArray) => NamedArray) => good.map((a) => (a.name === `co/${name}` ? f(a) : a));
    expect(() => readCoOccurrence(good.filter((a) => a.name !== 'co/sims'))).toThrow(/"co\/sims" is missing/);
    expect(() => readCoOccurrence(edit('neighbours', (a) => ({ ...a, data: a.data.map(() => 7) })))).toThrow(/neighbour row 7 is outside 0\.\.4/);
    expect(() => readCoOccurrence(edit('keys', (a) => ({ ...a, data: a.data.slice().reverse() })))).toThrow(/not strictly ascending/);
    const params = (weight: number, recent: number) => coArrays({ ...table(), weight, recent }).find((a) => a.name === 'co/params')!;
    expect(() => readCoOccurrence(edit('params', () => params(1, 0.5)))).toThrow(/params are out of range/);
    expect(() => readCoOccurrence(edit('params', () => params(-1, 2)))).toThrow(/params are out of range/);
    expect(() => readCoOccurrence(edit('sims', (a) => ({ ...a, shape: [5, 3] })))).toThrow(/inconsistent shapes/);
  });

  test('an integer outside its exact width is refused rather than rounded', () => {
    expect(() => encodeWeights([{ name: 'n', shape: [2], exact: 'uint8', data: Float32Array.of(3, 256) }])).toThrow(/256 is not an integer in 0\.\.255/);
    expect(() => encodeWeights([{ name: 'n', shape: [1], exact: 'uint16', data: Float32Array.of(1.5) }])).toThrow(/not an integer/);
  });

  test('federated learning never trains it', () => {
    const names = [...['item', 'block0/wq'].map((name) => ({ name })), ...coArrays(table())];
    expect(federatedNames(names, 'all')).toEqual(['item', 'block0/wq']);
    expect(federatedNames(names, 'dense')).toEqual(['block0/wq']);
  });
});
