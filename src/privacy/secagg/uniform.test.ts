// Uniform integers by rejection, and the lazy Bernoulli(r/m) for BigInt bounds, checked against
// scripted words on every branch: decided by the top word, rejected, and decided on a tie.
import { describe, expect, test } from 'vitest';
import { rng } from '../../shared/random';
import { UniformSource } from './uniform';

/** A source that hands out `words` in order, then fails the test if asked for more. */
function scripted(words: number[]): UniformSource {
  let next = 0;
  return new UniformSource((out) => {
    for (let i = 0; i < out.length; i++) out[i] = next < words.length ? words[next++] : 0xdeadbeef;
  }, 1);
}

const seeded = (seed: number) => {
  const r = rng(seed);
  return new UniformSource((out) => {
    for (let i = 0; i < out.length; i++) out[i] = r() * 2 ** 32;
  });
};

describe('below', () => {
  test('is uniform on [0, n): Pearson chi-square, n − 1 df, α = 0.001', () => {
    const u = seeded(1);
    for (const [n, critical] of [[3, 13.816], [7, 22.458], [10, 27.877]]) {
      const counts = new Float64Array(n);
      for (let i = 0; i < 70_000; i++) counts[u.below(n)]++;
      const e = 70_000 / n;
      expect(counts.reduce((s, c) => s + (c - e) ** 2 / e, 0)).toBeLessThan(critical);
    }
  });

  test('rejects draws at or above n rather than folding them (no modulo bias)', () => {
    // n = 5 takes the top 3 bits of each word: 7, 6 and 5 are rejected, 4 is kept.
    expect(scripted([0xffffffff, 0xc0000000, 0xa0000000, 0x80000000]).below(5)).toBe(4);
  });

  test('reaches the whole range above 2^32 and stays below n', () => {
    const n = 2 ** 40 + 12345;
    // The top word is shifted to its 9 significant bits: 0x80800000 >>> 23 = 257 puts U ≥ n.
    expect(scripted([0x80800000, 0, 0x80000000, 12344]).below(n)).toBe(2 ** 40 + 12344);
    const u = seeded(2);
    let max = 0;
    for (let i = 0; i < 10_000; i++) max = Math.max(max, u.below(n));
    expect(max).toBeLessThan(n);
    expect(max).toBeGreaterThan(n * 0.99);
  });
});

describe('lessBig', () => {
  // m and r with 2 bits below their top 32: s = 2, so a draw is one top word and one low word.
  const m = (0xc0000000n << 2n) | 1n; // top word 0xc0000000, low bits 01
  const r = (0x90000000n << 2n) | 2n; // top word 0x90000000, low bits 10

  test('the top word decides when it differs from r’s and m’s, drawing nothing more', () => {
    expect(scripted([0x8fffffff]).lessBig(r, m)).toBe(true);
    expect(scripted([0x90000001]).lessBig(r, m)).toBe(false);
    expect(scripted([0xbfffffff]).lessBig(r, m)).toBe(false);
  });

  test('a top word above m’s is rejected and the next draw decides', () => {
    expect(scripted([0xc0000001, 0x10]).lessBig(r, m)).toBe(true);
    expect(scripted([0xffffffff, 0xa0000000]).lessBig(r, m)).toBe(false);
  });

  test('on a tie the low bits decide, exactly, and U ≥ m is rejected', () => {
    // Tie with r: U = r's top then low bits 0..3 against r's 10.
    expect(scripted([0x90000000, 0b01]).lessBig(r, m)).toBe(true);
    expect(scripted([0x90000000, 0b10]).lessBig(r, m)).toBe(false);
    expect(scripted([0x90000000, 0b11]).lessBig(r, m)).toBe(false);
    // Tie with m: low bits 00 is U < m (and > r); 01 is U = m, rejected, so the next draw decides.
    expect(scripted([0xc0000000, 0b00]).lessBig(r, m)).toBe(false);
    expect(scripted([0xc0000000, 0b01, 0x00000005]).lessBig(r, m)).toBe(true);
    expect(scripted([0xc0000000, 0b11, 0xa0000000]).lessBig(r, m)).toBe(false);
  });

  test('r = 0 is never, r = m is always', () => {
    const u = seeded(3);
    for (let i = 0; i < 1000; i++) {
      expect(u.lessBig(0n, m)).toBe(false);
      expect(u.lessBig(m, m)).toBe(true);
    }
  });

  test('matches r/m in frequency for a bound of 80 bits', () => {
    const u = seeded(4);
    const big = (1n << 80n) - 12345n;
    const third = big / 3n;
    let hits = 0;
    for (let i = 0; i < 60_000; i++) hits += u.lessBig(third, big) ? 1 : 0;
    // Binomial(60,000, 1/3): σ ≈ 115.
    expect(Math.abs(hits - 20_000)).toBeLessThan(5 * 115.5);
  });
});
