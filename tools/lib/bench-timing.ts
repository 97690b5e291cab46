// Per-call timing for the ranking benchmark, shared by its Node half and its browser page (no
// Node APIs): the first (cold) call alone, then warm-up, then timed calls until a count or a time
// budget is reached, each call timed by itself so the median and p95 are per call.

export interface Timing {
  /** The very first call, milliseconds (JIT, shader compilation, uploads). */
  first: number;
  calls: number;
  median: number;
  p95: number;
  max: number;
}

export interface TimingOptions {
  warmup: number;
  calls: number;
  /** Stop timing after this many milliseconds even short of `calls` (at least 10 calls run). */
  budgetMs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarizeTimes(first: number, times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { first, calls: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] ?? NaN };
}

/** Times `call(i)` (i counts calls, so callers can cycle inputs); awaits what it returns. */
export async function timeCalls(call: (i: number) => unknown, opts: TimingOptions): Promise<Timing> {
  let i = 0;
  const once = async () => {
    const t = performance.now();
    const out = call(i++);
    if (out instanceof Promise) await out; // a synchronous call is timed without a microtask turn
    return performance.now() - t;
  };
  const first = await once();
  for (let k = 0; k < opts.warmup; k++) await once();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < opts.calls && (times.length < 10 || performance.now() - start < opts.budgetMs)) times.push(await once());
  return summarizeTimes(first, times);
}
