// Seeded randomness, for everything that must come out the same on every machine: the demo
// catalog and shoppers, training batches, evaluation candidates and simulated cohorts (--seed).
// Never for privacy: noise and rounding draw from the CSPRNG (privacy/noise.ts, fixed-point.ts).

export type Random = () => number;

/** mulberry32: a fast 32-bit PRNG returning floats in [0, 1). */
export function rng(seed: number): Random {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `xs` in place (Fisher–Yates) and returns it. */
export function shuffle<T>(xs: T[], random: Random): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** `k` distinct integers from [0, n), uniformly (all of them when k >= n). */
export function sampleDistinct(n: number, k: number, random: Random): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(Math.floor(random() * n));
  return Int32Array.from(picked);
}

/** Integer in [min, max], both ends included. */
export function randInt(min: number, max: number, random: Random): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(values: readonly T[], random: Random): T {
  if (values.length === 0) throw new Error('pick: empty list');
  return values[Math.floor(random() * values.length)]!;
}

/** Prefix sums of non-negative weights, for repeated sampling with `sampleIndex`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += Math.max(0, w);
    out[i] = sum;
  });
  return out;
}

/** Index drawn in proportion to the weights behind `cum` (binary search: cheap per draw). */
export function sampleIndex(cum: Float64Array, random: Random): number {
  const total = cum[cum.length - 1] ?? 0;
  if (total <= 0) throw new Error('sampleIndex: weights sum to zero');
  const target = random() * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
