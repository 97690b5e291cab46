import { describe, expect, test } from 'vitest';
import { rng } from '../shared/random';
import { fft } from './fft';

function randomVector(n: number, random: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => random());
}

describe('the FFT', () => {
  test('multiplying spectra is a circular convolution, as computed directly', () => {
    const random = rng(7);
    const n = 64;
    const a = randomVector(n, random);
    const b = randomVector(n, random);
    const direct = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) direct[(i + j) % n] += a[i] * b[j];
    const [ar, ai, br, bi] = [a.slice(), new Float64Array(n), b.slice(), new Float64Array(n)];
    fft(ar, ai);
    fft(br, bi);
    for (let k = 0; k < n; k++) [ar[k], ai[k]] = [ar[k] * br[k] - ai[k] * bi[k], ar[k] * bi[k] + ai[k] * br[k]];
    fft(ar, ai, true);
    for (let i = 0; i < n; i++) {
      expect(ar[i]).toBeCloseTo(direct[i], 12);
      expect(ai[i]).toBeCloseTo(0, 12);
    }
  });
  test('the inverse undoes the transform at 2^16 points', () => {
    const random = rng(3);
    const re = randomVector(1 << 16, random);
    const im = randomVector(1 << 16, random);
    const [r0, i0] = [re.slice(), im.slice()];
    fft(re, im);
    fft(re, im, true);
    let worst = 0;
    for (let i = 0; i < re.length; i++) worst = Math.max(worst, Math.abs(re[i] - r0[i]), Math.abs(im[i] - i0[i]));
    expect(worst).toBeLessThan(1e-13);
  });
  test('a unit impulse has a flat spectrum', () => {
    const re = new Float64Array(8);
    const im = new Float64Array(8);
    re[0] = 1;
    fft(re, im);
    expect([...re]).toEqual(new Array(8).fill(1));
  });
  test('refuses a length that is not a power of two', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
  });
});
