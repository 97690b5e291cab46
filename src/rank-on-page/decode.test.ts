import { describe, expect, test, vi } from 'vitest';
import { decodeWeights, encodeWeights } from '../model/plain/artifact';
import { fixtureArrays } from '../model/testing/fixture-weights';
import { decodeInSlices } from './decode';
import { coOccurrenceCase } from '../model/testing/rank-cases';
import { readCoOccurrence } from '../model/plain/co-occurrence';

const arrays = fixtureArrays(5);
const total = arrays.reduce((n, a) => n + a.data.length, 0);

describe('decodeInSlices', () => {
  test.each(['uint8', 'uint16', 'float32'] as const)('decodes %s weights exactly as decodeWeights does', async (q) => {
    const { entries, bin } = encodeWeights(arrays, q);
    const buffer = bin.slice().buffer;
    const nextTask = vi.fn(async () => {});
    const sliced = await decodeInSlices(entries, buffer, nextTask, 100);
    expect(sliced).toEqual(decodeWeights(entries, buffer).map(({ exact: _, ...a }) => a));
    // A task per 100 quantized values; float32 is a copy, not a loop.
    expect(nextTask).toHaveBeenCalledTimes(q === 'float32' ? 0 : Math.floor(total / 100));
  });

  test.each(['uint8', 'float32'] as const)('a %s file with a co-occurrence prior: the same values, the same table', async (q) => {
    const { entries, bin } = encodeWeights([...arrays, ...coOccurrenceCase(2)], q);
    const buffer = bin.slice().buffer;
    const sliced = await decodeInSlices(entries, buffer, async () => {}, 100);
    const whole = decodeWeights(entries, buffer);
    expect(sliced).toEqual(whole.map(({ exact: _, ...a }) => a));
    expect(whole.filter((a) => a.exact).map((a) => a.name)).toEqual(['co/keys', 'co/neighbours', 'co/sims', 'co/params']);
    expect(readCoOccurrence(sliced)).toEqual(readCoOccurrence(whole));
  });

  test('says what is wrong with a file of the wrong size', async () => {
    const { entries, bin } = encodeWeights(arrays, 'uint8');
    const nextTask = async () => {};
    await expect(decodeInSlices(entries, bin.slice(0, bin.length - 1).buffer, nextTask)).rejects.toThrow(/file too short for "final_ln_b"/);
    const longer = new Uint8Array(bin.length + 3);
    longer.set(bin);
    await expect(decodeInSlices(entries, longer.buffer, nextTask)).rejects.toThrow('model weights: 3 unexpected trailing bytes');
  });
});
