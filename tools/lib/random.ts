// Seeded randomness, so every figure the tools print can be reproduced with --seed.

/** mulberry32: a fast 32-bit PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** `k` distinct integers from [0, n), uniformly (all of them when k >= n). */
export function sampleDistinct(n: number, k: number, random: () => number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(Math.floor(random() * n));
  return Int32Array.from(picked);
}
