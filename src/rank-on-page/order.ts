// Turning scores into a shelf order.

/** Candidates by descending score; equal scores keep the server's order (a stable sort). */
export function orderByScores<T>(items: readonly T[], scores: ArrayLike<number>): T[] {
  return items
    .map((item, i) => ({ item, i, s: Number.isFinite(scores[i]) ? scores[i] : -Infinity }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.item);
}

/** Scores from an earlier ranking, if they cover enough of these candidates to be worth using. */
export function cachedScores(ids: readonly string[], cache: Record<string, number> | undefined, minShare = 0.5): number[] | null {
  if (!cache) return null;
  const scores = ids.map((id) => cache[id] ?? -Infinity);
  const known = scores.filter((s) => s !== -Infinity).length;
  return known > 0 && known >= ids.length * minShare ? scores : null;
}
