// Seeded randomness for the demo catalog and the demo shoppers. Math.random is never used:
// the same seed must give byte-identical catalogs and datasets on every machine.

export type Rng = () => number;

/** mulberry32: tiny, fast, and good enough for synthetic demo data. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max], both ends included. */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, values: readonly T[]): T {
  if (values.length === 0) throw new Error('pick: empty list');
  return values[Math.floor(rng() * values.length)]!;
}

export function shuffle<T>(rng: Rng, values: readonly T[]): T[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
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
export function sampleIndex(rng: Rng, cum: Float64Array): number {
  const total = cum[cum.length - 1] ?? 0;
  if (total <= 0) throw new Error('sampleIndex: weights sum to zero');
  const target = rng() * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
