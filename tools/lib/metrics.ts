// Ranking metrics from the 0-based rank of the held-out item (one relevant item per user, as in
// the leave-last-out protocol): HR@k, NDCG@k = 1/log2(rank+2), MRR@k = 1/(rank+1), 0 past k.

export const METRIC_NAMES = ['HR@10', 'NDCG@10', 'MRR@10', 'HR@20', 'MRR@20'] as const;
type MetricName = (typeof METRIC_NAMES)[number];
export type Metrics = Record<MetricName, number>;

function hitRate(rank: number, k: number): number {
  return rank < k ? 1 : 0;
}

export function ndcg(rank: number, k: number): number {
  return rank < k ? 1 / Math.log2(rank + 2) : 0;
}

export function reciprocalRank(rank: number, k: number): number {
  return rank < k ? 1 / (rank + 1) : 0;
}

/** Mean metrics over ranks (Infinity = the target could not be ranked: a miss). */
export function summarize(ranks: ArrayLike<number>): Metrics {
  const m: Metrics = { 'HR@10': 0, 'NDCG@10': 0, 'MRR@10': 0, 'HR@20': 0, 'MRR@20': 0 };
  const n = ranks.length;
  if (n === 0) return m;
  for (let i = 0; i < n; i++) {
    const r = ranks[i];
    m['HR@10'] += hitRate(r, 10);
    m['NDCG@10'] += ndcg(r, 10);
    m['MRR@10'] += reciprocalRank(r, 10);
    m['HR@20'] += hitRate(r, 20);
    m['MRR@20'] += reciprocalRank(r, 20);
  }
  for (const k of Object.keys(m) as MetricName[]) m[k] /= n;
  return m;
}

/**
 * 0-based rank of `target` among `scores`, skipping `excluded` indices: the number of eligible
 * items scoring strictly higher, plus half the eligible ties (so constant scores are not a free win).
 */
export function rankOf(scores: ArrayLike<number>, target: number, excluded: ReadonlySet<number>): number {
  const t = scores[target];
  if (excluded.has(target) || Number.isNaN(t)) return Infinity;
  // Count over the whole row first (a tight loop), then take the few excluded items back out.
  let above = 0;
  let ties = -1; // the target ties with itself
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s > t) above++;
    else if (s === t) ties++;
  }
  for (const i of excluded) {
    if (i < 0 || i >= scores.length) continue;
    if (scores[i] > t) above--;
    else if (scores[i] === t) ties--;
  }
  return above + Math.floor(ties / 2);
}

/** Indices of the k best eligible scores, best first (ties broken by lower index). */
export function topK(scores: ArrayLike<number>, k: number, excluded: ReadonlySet<number>): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (best.length === k && scores[i] <= scores[best[k - 1]]) continue;
    if (excluded.has(i)) continue;
    let j = Math.min(best.length, k - 1);
    if (best.length < k) best.push(i);
    for (; j > 0 && scores[best[j - 1]] < scores[i]; j--) best[j] = best[j - 1];
    best[j] = i;
  }
  return best;
}
