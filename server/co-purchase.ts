// "Frequently bought together" from baskets: which items share a basket more often than their
// popularity alone would make them, measured by lift. A basket is what one shopper put in the cart
// or bought in one visit. Items are catalog indices; the tables are flat arrays (CSR rows), so a
// catalog of tens of thousands of items stays cheap.

export interface CoPurchase {
  itemCount: number;
  /** Baskets counted (those with at least one item). */
  baskets: number;
  /** Baskets holding each item. */
  support: Float64Array;
  /** Row a: start[a]..start[a+1] in ids/counts, the items sharing a basket with a, and how often. */
  start: Int32Array;
  ids: Int32Array;
  counts: Float64Array;
}

export interface LiftOptions {
  /** Baskets of prior belief that a pair is independent: shrinks the lift of rare pairs towards 1. */
  prior: number;
  /** Pairs seen together in fewer baskets than this are not complements. */
  minSupport: number;
}

const LIFT_DEFAULTS: LiftOptions = { prior: 1, minSupport: 2 };

/** Counts every pair of distinct items sharing a basket (a basket's repeats count once). */
export function coPurchase(baskets: Iterable<ArrayLike<number>>, itemCount: number): CoPurchase {
  if (!(Number.isInteger(itemCount) && itemCount >= 0 && itemCount < 65536)) throw new Error(`co-purchase: item count ${itemCount} must be an integer in 0..65535`);
  const support = new Float64Array(itemCount);
  const keys: number[] = [];
  let count = 0;
  for (const basket of baskets) {
    const items = [...new Set(Array.from(basket, (i) => checkItem(i, itemCount)))];
    if (!items.length) continue;
    count++;
    for (const a of items) {
      support[a]++;
      for (const b of items) if (a !== b) keys.push(a * 65536 + b);
    }
  }
  return { itemCount, baskets: count, support, ...rows(Uint32Array.from(keys).sort(), itemCount) };
}

function rows(sorted: Uint32Array, itemCount: number): Pick<CoPurchase, 'start' | 'ids' | 'counts'> {
  const start = new Int32Array(itemCount + 1);
  const ids: number[] = [];
  const counts: number[] = [];
  for (let k = 0; k < sorted.length; k++) {
    if (k > 0 && sorted[k] === sorted[k - 1]) {
      counts[counts.length - 1]++;
      continue;
    }
    start[Math.floor(sorted[k] / 65536) + 1]++;
    ids.push(sorted[k] % 65536);
    counts.push(1);
  }
  for (let a = 0; a < itemCount; a++) start[a + 1] += start[a];
  return { start, ids: Int32Array.from(ids), counts: Float64Array.from(counts) };
}

/**
 * Lift of a pair seen together in `together` baskets: observed over expected under independence,
 * each with `prior` baskets added, so one chance co-purchase of two rare items is not a strong
 * association: (n_ab + k) / (n_a n_b / N + k).
 */
export function lift(cp: CoPurchase, a: number, b: number, together: number, prior: number): number {
  const expected = cp.baskets > 0 ? (cp.support[a] * cp.support[b]) / cp.baskets : 0;
  return (together + prior) / (expected + prior);
}

/**
 * Adds to `out[b]`, for every item b bought with a context item a at least `minSupport` times
 * with a lift above 1, that excess lift (lift - 1). Items with no such association are untouched.
 */
export function addComplementScores(cp: CoPurchase, context: readonly number[], out: Float64Array, opts: LiftOptions = LIFT_DEFAULTS): void {
  for (const a of new Set(context)) {
    checkItem(a, cp.itemCount);
    for (let p = cp.start[a]; p < cp.start[a + 1]; p++) {
      if (cp.counts[p] < opts.minSupport) continue;
      const l = lift(cp, a, cp.ids[p], cp.counts[p], opts.prior);
      if (l > 1) out[cp.ids[p]] += l - 1;
    }
  }
}

export interface BasketEvent {
  user: string;
  item: number;
  /** Epoch ms (or any increasing number). */
  ts: number;
}

/** A shopper's visits: a gap of `gapMs` or more between two events starts a new basket. Events must be grouped by shopper, in time order. */
export function sessionBaskets(events: Iterable<BasketEvent>, gapMs = 30 * 60_000): number[][] {
  const out: number[][] = [];
  let user: string | undefined;
  let last = -Infinity;
  for (const e of events) {
    if (e.user !== user || e.ts - last >= gapMs) out.push([]);
    out[out.length - 1].push(e.item);
    user = e.user;
    last = e.ts;
  }
  return out;
}

function checkItem(item: number, itemCount: number): number {
  if (!(Number.isInteger(item) && item >= 0 && item < itemCount)) throw new Error(`co-purchase: item ${item} is outside 0..${itemCount - 1}`);
  return item;
}
