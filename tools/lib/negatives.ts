// Sampled-softmax negatives drawn partly by popularity: items a shopper is likely to be shown, so
// harder to tell from the target than uniform draws, with each logit corrected by log(k·q) (q the
// item's chance under the mixture) so the loss still estimates the full-catalog softmax (Bengio &
// Senecal 2008; Yi et al. 2019). `npm run train -- --popular-negatives F`; an experiment, not the
// default (docs/experiments.md).
import { aliasPool, drawPopular } from './rerank';

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
  const pool = aliasPool(Array.from({ length: n }, (_, i) => i), weights);
  const q = (i: number) => share * (weights[i] / total) + (1 - share) / n;
  return (k, random) => {
    if (k > n) throw new Error(`popular negatives: ${k} distinct negatives from ${n} items`);
    const taken = new Set(drawPopular(pool, Math.round(k * share), new Set(), random));
    while (taken.size < k) taken.add(Math.floor(random() * n));
    const ids = Int32Array.from(taken);
    return { ids, logQ: Float32Array.from(ids, (i) => Math.log(k * q(i))) };
  };
}
