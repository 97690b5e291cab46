// Uploads per client address per minute (a token bucket each), so one address cannot flood a
// round. In memory: with several server instances put the limit in the load balancer instead.

export function rateLimiter(perMinute: number, now: () => number = Date.now): (key: string) => boolean {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key) => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) / 60_000) * perMinute);
    b.at = t;
    buckets.set(key, b);
    if (buckets.size > 10_000) for (const k of buckets.keys()) if (k !== key && buckets.delete(k) && buckets.size <= 5_000) break;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}
