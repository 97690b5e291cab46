// How a dismissal ("Not interested") moves the shopper's state, without TF.js. On-device adaptation
// (src/model/train/adapt.ts) fits γ with the dismissed items as strong negatives, each counting as
// DISMISS_WEIGHT offered-but-not-picked items; the page ranks with
//
//   personal = β · older mean − γ · dismissed mean
//
// for the dismissed items of the moment, so a dismissal counts on the very next page. Until the
// first fit after a dismissal, γ is the one that makes the dismissed mean itself DISMISS_WEIGHT
// times less likely (its logit falls by ln DISMISS_WEIGHT); items like it fall by how much of their
// vector (brand, category rows) they share with it.

/** How many offered-but-not-picked items one dismissal counts as. */
export const DISMISS_WEIGHT = 10;

/** The mean of `vectors` (row-major [n, dim]); null for none. */
export function meanVector(vectors: Float32Array, dim: number): Float32Array | null {
  const n = vectors.length / dim;
  if (!n) return null;
  const out = new Float32Array(dim);
  for (let r = 0; r < n; r++) for (let i = 0; i < dim; i++) out[i] += vectors[r * dim + i] / n;
  return out;
}

/** The γ used before adaptation has fitted one: ln(DISMISS_WEIGHT) / |dismissed mean|². */
export function defaultGamma(mean: Float32Array): number {
  let sq = 0;
  for (const v of mean) sq += v * v;
  return sq > 0 ? Math.log(DISMISS_WEIGHT) / sq : 0;
}

/** The personal vector to rank with: `vector` (the fitted long-term part, or none) minus γ times
 *  the dismissed mean. `gamma` undefined: not fitted since dismissals began (the default applies). */
export function withDismissals(vector: Float32Array | null | undefined, gamma: number | undefined, dismissedMean: Float32Array | null): Float32Array | null {
  if (!dismissedMean) return vector ?? null;
  const g = gamma ?? defaultGamma(dismissedMean);
  const out = vector ? Float32Array.from(vector) : new Float32Array(dismissedMean.length);
  for (let i = 0; i < out.length; i++) out[i] -= g * dismissedMean[i];
  return out;
}
