// The discrete Gaussian sampler against the exact distribution N_Z(0, σ²), P(x) ∝ exp(−x²/2σ²),
// whose pmf is summed here in floating point (the reference only; the sampler uses none). For each
// σ: the mean, the variance against the pmf's exact variance (which for small σ is visibly below
// σ²), and Pearson's chi-square goodness of fit over bins covering all of Z, tails included, with
// df = bins − 1 at significance α = 0.001. Seeded word sources make every run identical.
import { describe, expect, test } from 'vitest';
import { rng } from '../../shared/random';
import { DiscreteGaussian, noiseSigma, squared, type Rational } from './discrete-gaussian';
import type { FillWords } from './uniform';

const N = 200_000;

const seeded = (seed: number): FillWords => {
  const r = rng(seed);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = r() * 2 ** 32;
  };
};

/** The exact pmf on [−radius, radius] (the mass outside is below e^−98) and its moments. */
function reference(sigma2: number) {
  const radius = Math.ceil(14 * Math.sqrt(sigma2)) + 5;
  const pmf = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let x = -radius; x <= radius; x++) total += pmf[x + radius] = Math.exp(-(x * x) / (2 * sigma2));
  let variance = 0;
  let fourth = 0;
  const below = new Float64Array(pmf.length + 1); // below[i] = P(X < i − radius)
  for (let i = 0; i < pmf.length; i++) {
    const p = (pmf[i] /= total);
    const x = i - radius;
    variance += p * x * x;
    fourth += p * x ** 4;
    below[i + 1] = below[i] + p;
  }
  const cdf = (x: number) => below[Math.max(0, Math.min(pmf.length, x + radius))];
  return { variance, fourth, cdf };
}

// 0.999 quantiles of chi-square with 1 to 9 degrees of freedom, from tables; Wilson–Hilferty's
// approximation beyond (under 0.5% off for df ≥ 10).
const TABLE_999 = [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877];
const critical999 = (df: number) => TABLE_999[df - 1] ?? df * (1 - 2 / (9 * df) + 3.090232 * Math.sqrt(2 / (9 * df))) ** 3;

/** Pearson's statistic over the bins [edges[i−1], edges[i]) with −∞ and +∞ at the ends, outer bins
 *  merged inward until each expects at least 5 samples. */
function chiSquare(samples: Int32Array, cdf: (x: number) => number, edges: number[]) {
  const bounds = [-Infinity, ...edges, Infinity];
  let probs = bounds.slice(1).map((hi, i) => (hi === Infinity ? 1 : cdf(hi)) - (bounds[i] === -Infinity ? 0 : cdf(bounds[i])));
  let counts = new Array<number>(probs.length).fill(0);
  for (const s of samples) {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s < edges[mid]) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
  }
  const mergeFront = () => {
    while (probs[0] * samples.length < 5) {
      probs = [probs[0] + probs[1], ...probs.slice(2)];
      counts = [counts[0] + counts[1], ...counts.slice(2)];
    }
  };
  mergeFront();
  probs.reverse();
  counts.reverse();
  mergeFront();
  const chi2 = probs.reduce((s, p, i) => s + (counts[i] - p * samples.length) ** 2 / (p * samples.length), 0);
  return { chi2, df: probs.length - 1 };
}

/** Every integer from −m to m its own bin (small σ), or quantile bins plus tail edges at ±3, ±3.5, ±4σ. */
function edgesFor(sigma: number, cdf: (x: number) => number): number[] {
  if (sigma < 10) {
    const m = Math.ceil(8 * sigma);
    return Array.from({ length: 2 * m + 2 }, (_, i) => i - m);
  }
  const edges = new Set<number>();
  for (const k of [-4, -3.5, -3, 3, 3.5, 4]) edges.add(Math.round(k * sigma));
  let x = Math.round(-3 * sigma);
  for (let q = 1; q < 60; q++) {
    while (cdf(x) < q / 60) x++;
    edges.add(x);
  }
  return [...edges].sort((a, b) => a - b);
}

const cases: [string, Rational, number][] = [
  ['0.5', { num: 1n, den: 4n }, 11],
  ['1.5', { num: 9n, den: 4n }, 12],
  ['3.7', { num: 1369n, den: 100n }, 13],
  ['3000', { num: 9_000_000n, den: 1n }, 14],
  ['42597.1 (1.3 × 32767)', squared({ num: 425_971n, den: 10n }), 15],
];

describe('DiscreteGaussian', () => {
  for (const [name, sigma2, seed] of cases) {
    test(`σ = ${name}: mean 0, the exact variance, and chi-square fit including the tails`, () => {
      const s2 = Number(sigma2.num) / Number(sigma2.den);
      const ref = reference(s2);
      const samples = new DiscreteGaussian(sigma2, seeded(seed)).fill(new Int32Array(N));
      let sum = 0;
      let squares = 0;
      for (const s of samples) {
        sum += s;
        squares += s * s;
      }
      const mean = sum / N;
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(ref.variance / N));
      // The standard error of the sample variance is √((μ4 − Var²)/N).
      const se = Math.sqrt((ref.fourth - ref.variance ** 2) / N);
      expect(Math.abs(squares / N - mean * mean - ref.variance)).toBeLessThan(5 * se);
      const { chi2, df } = chiSquare(samples, ref.cdf, edgesFor(Math.sqrt(s2), ref.cdf));
      expect(df).toBeGreaterThanOrEqual(sigma2.num > sigma2.den ? 10 : 3);
      expect(chi2).toBeLessThan(critical999(df));
    });
  }

  test('the variance test can tell N_Z(0, σ²) from σ²: at σ = 0.5 they are 11% apart', () => {
    const ref = reference(0.25);
    expect(ref.variance).toBeCloseTo(0.215, 3);
    const se = Math.sqrt((ref.fourth - ref.variance ** 2) / N);
    expect(0.25 - ref.variance).toBeGreaterThan(20 * se);
  });

  test('is deterministic for a seeded source and draws from it only', () => {
    const a = new DiscreteGaussian({ num: 1369n, den: 100n }, seeded(5)).fill(new Int32Array(1000));
    const b = new DiscreteGaussian({ num: 1369n, den: 100n }, seeded(5)).fill(new Int32Array(1000));
    const c = new DiscreteGaussian({ num: 1369n, den: 100n }, seeded(6)).fill(new Int32Array(1000));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  test('draws from the platform CSPRNG by default', () => {
    const a = new DiscreteGaussian({ num: 100n, den: 1n }).fill(new Int32Array(100));
    const b = new DiscreteGaussian({ num: 100n, den: 1n }).fill(new Int32Array(100));
    expect(a).not.toEqual(b);
  });

  test('refuses σ² ≤ 0 and σ beyond 2^24', () => {
    expect(() => new DiscreteGaussian({ num: 0n, den: 1n })).toThrow(/must be > 0/);
    expect(() => new DiscreteGaussian({ num: -4n, den: 1n })).toThrow(/must be > 0/);
    expect(() => new DiscreteGaussian({ num: 2n ** 50n, den: 1n })).toThrow(/not supported/);
  });
});

describe('noiseSigma', () => {
  test('is z·32767 exactly when that is a multiple of 2^−10', () => {
    expect(noiseSigma(1)).toEqual({ num: 32767n, den: 1n });
    expect(noiseSigma(0.5)).toEqual({ num: 32767n, den: 2n });
  });

  test('otherwise rounds the float z’s exact value times 32767 up, by less than 2^−10', () => {
    for (const z of [1.3, 0.7071067811865476, 2.1, 1e-3]) {
      const { num, den } = noiseSigma(z);
      // z as an exact fraction m / 2^e.
      let m = z;
      let e = 0n;
      while (!Number.isInteger(m)) {
        m *= 2;
        e++;
      }
      const exact = { num: BigInt(m) * 32767n, den: 1n << e };
      expect(num * exact.den >= exact.num * den).toBe(true);
      expect((num * exact.den - exact.num * den) * 1024n < den * exact.den).toBe(true);
    }
    expect(squared(noiseSigma(1.3))).toEqual({ num: 43_619_431n ** 2n, den: 1024n ** 2n });
  });
});
