// Sampled-softmax negatives drawn partly by popularity: items a shopper is likely to be shown, so
// harder to tell from the target than uniform draws, with each logit corrected by log(k·q) (q the
// item's chance under the mixture) so the loss still estimates the full-catalog softmax (Bengio &
// Senecal 2008; Yi et al. 2019). `npm run train -- --popular-negatives F`; an experiment, not the
// default (docs/experiments.md).

export interface NegativeDraw {
  /** k distinct item rows. */
  ids: Int32Array;
  /** log(k·q) per row, subtracted from its logit. */
  logQ: Float32Array;
}

/** A share `share` of k negatives by count^power, the rest uniform over all n items, all distinct. */
export function mixedNegatives(counts: ArrayLike<number>, share: number, power = 0.75): (k: number, random: () => number) => NegativeDraw {
  if (!(share > 0 && share <= 1)) throw new Error(`popular negatives: a share in (0, 1], got ${share}`);
  const n = counts.length;
  const weights = Float64Array.from(counts, (c) => Math.pow(Math.max(c, 0), power));
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error('popular negatives: no item has a count');
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += weights[i] / total;
  const q = (i: number) => share * (weights[i] / total) + (1 - share) / n;
  return (k, random) => {
    if (k > n) throw new Error(`popular negatives: ${k} distinct negatives from ${n} items`);
    const taken = new Set<number>();
    const popular = Math.round(k * share);
    // Repeats are rejected; a bounded number of tries keeps a very skewed catalog from stalling.
    for (let tries = 50 * k; taken.size < popular && tries > 0; tries--) taken.add(search(cdf, random() * acc));
    while (taken.size < k) taken.add(Math.floor(random() * n));
    const ids = Int32Array.from(taken);
    return { ids, logQ: Float32Array.from(ids, (i) => Math.log(k * q(i))) };
  };
}

/** The first index whose cumulative weight reaches u. */
function search(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
