import { describe, expect, test } from 'vitest';
import { checkModelJson, decodeWeights, encodeWeights, sha256Hex, type NamedArray } from './artifact';
import { TINY } from '../testing/fixture';

const arrays: NamedArray[] = [
  { name: 'a', shape: [2, 3], data: Float32Array.from([0, -1.5, 2, 3.25, -4, 5]) },
  { name: 'b', shape: [4], data: Float32Array.from([1, 1, 1, 1]) },
];

describe('weights encoding', () => {
  test('float32 round-trips exactly', () => {
    const { entries, bin } = encodeWeights(arrays);
    const back = decodeWeights(entries, bin.buffer as ArrayBuffer);
    expect(back.map((a) => Array.from(a.data))).toEqual(arrays.map((a) => Array.from(a.data)));
  });
  test.each([
    ['uint16', 9 / 65535],
    ['uint8', 9 / 255],
  ] as const)('%s quantization stays within half a step and shrinks the file', (q, step) => {
    const { entries, bin } = encodeWeights(arrays, q);
    expect(bin.byteLength).toBe(10 * (q === 'uint8' ? 1 : 2));
    const back = decodeWeights(entries, bin.buffer as ArrayBuffer);
    back[0].data.forEach((v, i) => expect(Math.abs(v - arrays[0].data[i])).toBeLessThanOrEqual(step / 2 + 1e-6));
    expect(Array.from(back[1].data)).toEqual([1, 1, 1, 1]); // a constant tensor survives exactly
  });
  test('a truncated or padded file is refused with a clear message', () => {
    const { entries, bin } = encodeWeights(arrays);
    expect(() => decodeWeights(entries, bin.buffer.slice(0, 10) as ArrayBuffer)).toThrow(/too short for "a"/);
    const padded = new Uint8Array(bin.byteLength + 4);
    padded.set(bin);
    expect(() => decodeWeights(entries, padded.buffer)).toThrow(/trailing bytes/);
  });
  test('a shape that does not match the data is refused', () => {
    expect(() => encodeWeights([{ name: 'x', shape: [3], data: new Float32Array(2) }])).toThrow(/shape 3 needs 3 values/);
  });
});

describe('model.json', () => {
  const good = async () => ({
    format: 'shelfwise-model',
    formatVersion: 1,
    version: 'v',
    config: TINY,
    weightsSha256: await sha256Hex(new Uint8Array([1])),
    weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
  });
  test('accepts a valid file', async () => {
    expect(checkModelJson(await good()).version).toBe('v');
  });
  test.each([
    ['format', 'other', /not a shelfwise-model/],
    ['formatVersion', 2, /unsupported formatVersion/],
    ['weightsSha256', 'abc', /weightsSha256/],
    ['config', { ...TINY, dim: 0 }, /"dim" must be a positive integer/],
  ])('rejects a bad %s', async (key, value, message) => {
    const json = { ...(await good()), [key]: value };
    expect(() => checkModelJson(json)).toThrow(message);
  });
  test('sha256 matches a known digest', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
