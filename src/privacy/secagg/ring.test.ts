// Ring arithmetic in Z_2^w and the width rule: shares wrap, the sum decodes to signed integers, and
// the chosen width holds K extreme updates plus both aggregators' noise at its tail bound.
import { describe, expect, test } from 'vitest';
import { MAX_CODE } from '../fixed-point';
import { SecAggError } from './errors';
import { addBytesInto, addInto, embed, fromBytes, maxReports, ringWidth, subtract, sumBound, TAIL_SIGMAS, toBytes, toSigned, WIDTHS, type Width } from './ring';

const SIGMA = 1 * MAX_CODE; // z = 1, the demo's noise multiplier

describe('ring width', () => {
  test('24 bits for the demo cohort of 50, 32 bits for cohorts in the thousands', () => {
    expect(ringWidth(50, SIGMA)).toBe(24);
    expect(ringWidth(5_000, SIGMA)).toBe(32);
    expect(ringWidth(5_000, 1.3 * MAX_CODE)).toBe(32);
    expect(ringWidth(2, 0)).toBe(24); // two updates alone overflow 16 bits: 2 × 32767 > 32767
    // 216 × 32767 + 2 × 20 × 32768 = 8,388,392 ≤ 2^23 − 1 = 8,388,607; one more report is not.
    expect(ringWidth(216, SIGMA)).toBe(24);
    expect(ringWidth(217, SIGMA)).toBe(32);
  });

  test('maxReports is exactly the largest cohort whose bound fits the width', () => {
    for (const width of [24, 32] as Width[]) {
      const k = maxReports(width, SIGMA);
      expect(sumBound(k, SIGMA)).toBeLessThanOrEqual(2 ** (width - 1) - 1);
      expect(sumBound(k + 1, SIGMA)).toBeGreaterThan(2 ** (width - 1) - 1);
    }
    expect(maxReports(24, SIGMA)).toBe(216);
    expect(maxReports(32, SIGMA)).toBe(65_497);
    expect(() => ringWidth(70_000, SIGMA)).toThrow(/more than 32 bits/);
  });

  test('the worst case at the bound decodes exactly, and one more report overflows', () => {
    // Every device at +32767 and both aggregators' noise at +20(σ+1): the largest sum the bound allows.
    for (const sign of [1, -1]) {
      const k = maxReports(24, SIGMA);
      const noise = Math.ceil(TAIL_SIGMAS * (SIGMA + 1));
      const acc = new Uint32Array(3);
      const update = embed(Int16Array.of(sign * MAX_CODE, sign * MAX_CODE, 0), 24);
      for (let i = 0; i < k; i++) addInto(acc, update, 24);
      const noiseVector = Uint32Array.from([sign * noise, -sign * noise, sign * noise], (x) => x & 0xffffff);
      addInto(acc, noiseVector, 24);
      addInto(acc, noiseVector, 24);
      expect(Array.from(toSigned(acc, 24))).toEqual([sign * (k * MAX_CODE + 2 * noise), sign * (k * MAX_CODE - 2 * noise), sign * 2 * noise]);
      addInto(acc, update, 24);
      expect(toSigned(acc, 24)[0]).not.toBe(sign * ((k + 1) * MAX_CODE + 2 * noise));
    }
  });

  test('the tail the bound allows: P(|N_Z(0, σ²)| ≥ 20(σ+1)) < 3e-87, from the exact pmf', () => {
    for (const sigma of [3.7, 32767]) {
      const weight = (x: number) => Math.exp(-(x * x) / (2 * sigma * sigma));
      let total = weight(0);
      for (let x = 1; x < 40 * sigma + 10; x++) total += 2 * weight(x);
      let tail = 0;
      for (let x = Math.ceil(TAIL_SIGMAS * (sigma + 1)); x < 40 * sigma + 10; x++) tail += 2 * weight(x);
      expect(tail / total).toBeLessThan(3e-87);
    }
  });
});

describe('ring arithmetic', () => {
  test('int16 extremes embed and decode exactly in every width that holds them', () => {
    const x = Int16Array.of(MAX_CODE, -MAX_CODE, 0, 1, -1, 12345, -12345);
    for (const width of [16, 24, 32] as Width[]) expect(Array.from(toSigned(embed(x, width), width))).toEqual(Array.from(x));
  });

  test('addition and subtraction wrap mod 2^w, and decoding is two’s complement', () => {
    for (const width of WIDTHS) {
      const top = 2 ** width - 1;
      const acc = Uint32Array.of(top, 2 ** (width - 1) - 1, 0);
      addInto(acc, Uint32Array.of(1, 1, 0), width);
      expect(Array.from(acc)).toEqual([0, 2 ** (width - 1), 0]);
      expect(Array.from(toSigned(acc, width))).toEqual([0, -(2 ** (width - 1)), 0]);
      expect(Array.from(subtract(Uint32Array.of(0, 5), Uint32Array.of(1, 7), width))).toEqual([top, top - 1]);
      expect(Array.from(toSigned(subtract(Uint32Array.of(0, 5), Uint32Array.of(1, 7), width), width))).toEqual([-1, -2]);
    }
  });

  test('the wire form is w/8 little-endian bytes per coordinate', () => {
    expect(Array.from(toBytes(Uint32Array.of(0x123456, 0xabcdef), 24))).toEqual([0x56, 0x34, 0x12, 0xef, 0xcd, 0xab]);
    expect(Array.from(toBytes(Uint32Array.of(0xdeadbeef), 32))).toEqual([0xef, 0xbe, 0xad, 0xde]);
    for (const width of WIDTHS) {
      const v = Uint32Array.from({ length: 1000 }, (_, i) => (i * 2654435761) % 2 ** width);
      expect(fromBytes(toBytes(v, width), width)).toEqual(v);
    }
  });

  test('summing shares straight from their bytes equals summing the vectors', () => {
    for (const width of WIDTHS) {
      const a = Uint32Array.from({ length: 257 }, (_, i) => (i * 40503 * 65537) % 2 ** width);
      const b = Uint32Array.from({ length: 257 }, (_, i) => (i * 2246822519) % 2 ** width);
      const viaVectors = a.slice();
      addInto(viaVectors, b, width);
      const viaBytes = a.slice();
      addBytesInto(viaBytes, toBytes(b, width), width);
      expect(viaBytes).toEqual(viaVectors);
      // A report's share starts at an odd offset of the body: unaligned bytes read the same.
      const body = new Uint8Array(3 + b.length * (width >> 3));
      body.set(toBytes(b, width), 3);
      const viaBody = a.slice();
      addBytesInto(viaBody, body.subarray(3), width);
      expect(viaBody).toEqual(viaVectors);
      expect(fromBytes(body.subarray(3), width)).toEqual(b);
    }
  });

  test('the wire form and the vector read back from it are copies, never views of their input', () => {
    for (const width of WIDTHS) {
      const v = Uint32Array.of(1, 2, 3, 4);
      const bytes = toBytes(v, width);
      const back = fromBytes(bytes, width);
      v[0] = 9;
      back[1] = 9;
      expect(fromBytes(bytes, width)).toEqual(Uint32Array.of(1, 2, 3, 4));
    }
  });

  test('shares of the wrong size are refused with a SecAggError', () => {
    expect(() => addBytesInto(new Uint32Array(4), new Uint8Array(11), 24)).toThrow(SecAggError);
    expect(() => fromBytes(new Uint8Array(7), 32)).toThrow(/whole number/);
    expect(() => addInto(new Uint32Array(4), new Uint32Array(5), 32)).toThrow(SecAggError);
  });
});
