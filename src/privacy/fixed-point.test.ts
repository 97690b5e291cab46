// Clipping and the fixed-point wire format, encoded as a device does and decoded as the server does.
import { describe, expect, test } from 'vitest';
import { rng } from '../shared/random';
import { clipToNorm, decodeUpdate, encodeClipped, encodeFixed, l2norm, MAX_CODE, NOT_A_NUMBER, sharedClipNorm } from './fixed-point';

const seeded = rng;

const randomVector = (n: number, seed: number, spread = 1) => {
  const r = seeded(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 2 * spread);
};

describe('clipToNorm', () => {
  test('scales an over-norm vector to norm C exactly, keeping its direction, and returns the norm it had', () => {
    const v = randomVector(10_000, 1);
    const original = v.slice();
    const had = l2norm(v);
    expect(clipToNorm(v, 0.5)).toBe(had);
    expect(l2norm(v)).toBeCloseTo(0.5, 6);
    const f = 0.5 / had;
    for (let i = 0; i < v.length; i += 997) expect(v[i]).toBeCloseTo(original[i] * f, 7);
  });

  test('leaves a vector within the bound untouched', () => {
    const v = randomVector(1000, 2, 0.001);
    const copy = v.slice();
    expect(clipToNorm(v, 1)).toBeLessThan(1);
    expect(v).toEqual(copy);
  });

  test('a single huge coordinate (a poisoned delta) is cut to C', () => {
    const v = new Float32Array(100);
    v[42] = 1e6;
    clipToNorm(v, 2);
    expect(v[42]).toBeCloseTo(2, 5);
    expect(l2norm(v)).toBeCloseTo(2, 5);
  });
});

describe('encodeFixed', () => {
  test('is unbiased: the mean of many stochastic encodings decodes to the value (to 0.2% of a step)', () => {
    const scale = 100;
    const values = [0.123456, -0.987654, 0.00501, -0.00499, 0.3333333];
    const copies = 200_000;
    const v = new Float32Array(values.length * copies);
    values.forEach((x, i) => v.fill(x, i * copies, (i + 1) * copies));
    const codes = encodeFixed(v, scale, seeded(3));
    values.forEach((_, i) => {
      let sum = 0;
      for (let k = i * copies; k < (i + 1) * copies; k++) sum += codes[k];
      // In steps: one rounding has σ ≤ 0.5, so the mean of `copies` has σ ≤ 0.5/√copies ≈ 0.0011.
      expect(Math.abs(sum / copies - v[i * copies] * scale)).toBeLessThan(0.004);
    });
  });

  test('is not plain rounding: a value a third of a step above a code rounds up about a third of the time', () => {
    const r = seeded(4);
    const v = Float32Array.from({ length: 30_000 }, () => 1 / 3);
    const ups = encodeFixed(v, 1, r).filter((c) => c === 1).length / v.length;
    expect(ups).toBeGreaterThan(0.32);
    expect(ups).toBeLessThan(0.345);
  });

  test('by default draws from the CSPRNG, in chunks: every chunk rounds a third-of-a-step value up about a third of the time', () => {
    const chunk = 16384;
    const v = Float32Array.from({ length: 3 * chunk + 100 }, () => 1 / 3);
    const codes = encodeFixed(v, 1);
    for (let start = 0; start < v.length - 100; start += chunk) {
      const ups = codes.subarray(start, start + chunk).filter((c) => c === 1).length / chunk;
      expect(ups).toBeGreaterThan(0.31);
      expect(ups).toBeLessThan(0.355);
    }
    expect(new Set(codes)).toEqual(new Set([0, 1]));
  });

  test('never emits -32768, even for values at or past -C', () => {
    const scale = 32767;
    const v = Float32Array.from([-1, -1.0000001, -1.5, -1e9, 1, 1.5, 1e9, -0.99999994]);
    const codes = encodeFixed(v, scale, seeded(5));
    expect(codes.includes(NOT_A_NUMBER)).toBe(false);
    expect(Math.min(...codes)).toBe(-MAX_CODE);
    expect(Math.max(...codes)).toBe(MAX_CODE);
    for (let t = 0; t < 200; t++) expect(encodeFixed(Float32Array.of(-1), scale, seeded(t)).includes(NOT_A_NUMBER)).toBe(false);
  });

  test.each([Number.NaN, Infinity, -Infinity])('throws on %s, naming the value', (bad) => {
    const v = Float32Array.from([0.1, 0.2, bad, 0.4]);
    expect(() => encodeFixed(v, 100, seeded(6))).toThrow('update: value 2 is not finite');
  });
});

describe('encodeClipped', () => {
  const scale = MAX_CODE / 0.3;

  test('gives the codes of clipToNorm then encodeFixed with the same draws (to one step where float rounding differs) and leaves its input as it was', () => {
    for (const norm of [0.1, 0.3, 2, 40]) {
      const v = randomVector(20_000, 7);
      clipToNorm(v, norm);
      const before = v.slice();
      const fused = encodeClipped(v, 0.3, scale, seeded(11));
      expect(v).toEqual(before);
      clipToNorm(v, 0.3);
      const separate = encodeFixed(v, scale, seeded(11));
      const gaps = fused.map((c, i) => Math.abs(c - separate[i]));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(1);
      expect(gaps.filter((g) => g > 0).length).toBeLessThan(v.length / 1000);
    }
  });

  test('refuses a non-finite value as encodeFixed does', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const v = randomVector(100, 3);
      v[42] = bad;
      expect(() => encodeClipped(v, 0.3, scale)).toThrow(/value 42 is not finite/);
    }
  });

  test("the two-aggregator clip leaves room for stochastic rounding: every value rounded up stays within 32767", () => {
    const d = 84_608;
    expect(sharedClipNorm(0.3, d)).toBeCloseTo(0.3 * (1 - Math.sqrt(d) / MAX_CODE), 12);
    const positive = randomVector(d, 5).map(Math.abs);
    const roundUp = () => 0.999999;
    // Clipped to C alone, every value rounded up: over 32767.
    expect(l2norm(encodeClipped(positive, 0.3, scale, roundUp))).toBeGreaterThan(MAX_CODE);
    expect(l2norm(encodeClipped(positive, sharedClipNorm(0.3, d), scale, roundUp))).toBeLessThanOrEqual(MAX_CODE);
  });
});

describe('round trip through the server decoder', () => {
  test('a clipped update decodes to within 1/scale of every value, and its norm stays within the server check', () => {
    const clipNorm = 0.5;
    const scale = 32767 / clipNorm;
    const v = randomVector(55_712, 7);
    clipToNorm(v, clipNorm);
    const codes = encodeFixed(v, scale, seeded(8));
    const decoded = decodeUpdate(new Uint8Array(codes.buffer), v.length, scale);
    if (typeof decoded === 'string') throw new Error(decoded);
    let worst = 0;
    for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(decoded[i] - v[i]));
    expect(worst).toBeLessThan(1 / scale);
    expect(l2norm(decoded)).toBeLessThan(clipNorm + Math.sqrt(v.length) / scale);
  });

  test('the wire format is little-endian int16', () => {
    const bytes = new Uint8Array(encodeFixed(Float32Array.of(1 / 256, -1 / 256), 256, seeded(9)).buffer);
    expect(Array.from(bytes)).toEqual([1, 0, 0xff, 0xff]);
    expect(decodeUpdate(bytes, 2, 256)).toEqual(Float32Array.of(1 / 256, -1 / 256));
  });

  test('an update at an odd offset of its buffer (as in Node\'s pooled Buffers) decodes the same', () => {
    const codes = Int16Array.of(300, -7, 32767, -32767);
    const shifted = new Uint8Array(codes.byteLength + 1);
    shifted.set(new Uint8Array(codes.buffer), 1);
    const odd = shifted.subarray(1);
    expect(odd.byteOffset % 2).toBe(1);
    expect(decodeUpdate(odd, 4, 100)).toEqual(decodeUpdate(new Uint8Array(codes.buffer), 4, 100));
    expect(decodeUpdate(odd, 4, 100)).toEqual(Float32Array.from([3, -0.07, 327.67, -327.67]));
  });

  test('the decoder refuses the -32768 code and a wrong length', () => {
    const codes = Int16Array.of(5, NOT_A_NUMBER, 7);
    expect(decodeUpdate(new Uint8Array(codes.buffer), 3, 1)).toBe('value 1 is not a number');
    expect(decodeUpdate(new Uint8Array(4), 3, 1)).toBe('expected 6 bytes (3 int16 values), got 4');
  });
});
