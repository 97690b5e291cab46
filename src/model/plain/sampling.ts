// Negatives a device knows are the items it was offered, and offers follow popularity, not the
// shopper. The sampled-softmax correction (Bengio & Senecal 2008) subtracts log(k q) from each
// negative's logit, q its share of offers and k the number drawn, so the loss still estimates the
// full-catalog softmax the global model was trained for.

/** log(k q) per negative from how often each was offered (zeros when unknown: uniform). */
export function offerLogQ(weights: readonly number[] | undefined, k: number): number[] {
  if (!weights || weights.length < k) return new Array(k).fill(0);
  const total = weights.slice(0, k).reduce((a, b) => a + Math.max(b, 1e-9), 0);
  return weights.slice(0, k).map((w) => Math.log((k * Math.max(w, 1e-9)) / total));
}
