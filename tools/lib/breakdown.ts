// The breakdown every eval JSON carries: who the figures come from (cold vs warm users, history
// lengths, cross-category targets) and what the top 10 look like (category diversity, coverage).
// Items without a category count as one "unknown" category (-1) everywhere, consistently.
import { summarize, type Metrics } from './metrics';
import type { Case } from './split';

// Type aliases rather than interfaces, so a Breakdown fits a Record<string, unknown> JSON slot.
type Group = {
  users: number;
  metrics: Metrics;
};

export type Breakdown = {
  cold_start: Group & { max_train_events: number };
  warm: Group;
  category_diversity_at_10: number;
  catalog_coverage_at_10: number;
  cross_category: Group & { share_of_users: number; hits: number; share_of_hits: number };
  by_history_length: Record<string, Group>;
};

export interface BreakdownInput {
  cases: readonly Case[];
  /** 0-based rank of each case's target (Infinity: not ranked). */
  ranks: ArrayLike<number>;
  /** Top-10 item indices per case, best first. */
  tops: readonly (readonly number[])[];
  topCategory: Int32Array;
  itemCount: number;
  /** The case's training events (for the test protocol: its history minus the validation event). */
  trainLength: (c: Case) => number;
}

/** Users with at most this many training events are cold-start. */
const COLD_START_MAX = 2;
/** History-length buckets: [label, min, max] inclusive. */
const LENGTH_BUCKETS: readonly [string, number, number][] = [
  ['1-2', 1, 2],
  ['3-5', 3, 5],
  ['6-10', 6, 10],
  ['11-20', 11, 20],
  ['21+', 21, Infinity],
];

export function breakdown(input: BreakdownInput): Breakdown {
  const { cases, ranks, tops } = input;
  if (ranks.length !== cases.length || tops.length !== cases.length) {
    throw new Error(`breakdown: ${cases.length} cases but ${ranks.length} ranks and ${tops.length} top lists`);
  }
  const all = cases.map((_, i) => i);
  const cold = all.filter((i) => input.trainLength(cases[i]) <= COLD_START_MAX);
  const cross = all.filter((i) => isCrossCategory(cases[i], input.topCategory));
  const hits = all.filter((i) => ranks[i] < 10);
  const crossHits = hits.filter((i) => isCrossCategory(cases[i], input.topCategory)).length;
  return {
    cold_start: { ...group(cold, ranks), max_train_events: COLD_START_MAX },
    warm: group(all.filter((i) => input.trainLength(cases[i]) > COLD_START_MAX), ranks),
    category_diversity_at_10: mean(tops.map((t) => new Set(t.slice(0, 10).map((item) => input.topCategory[item])).size)),
    catalog_coverage_at_10: input.itemCount > 0 ? new Set(tops.flatMap((t) => t.slice(0, 10))).size / input.itemCount : 0,
    cross_category: {
      ...group(cross, ranks),
      share_of_users: cases.length ? cross.length / cases.length : 0,
      hits: crossHits,
      share_of_hits: hits.length ? crossHits / hits.length : 0,
    },
    by_history_length: Object.fromEntries(
      LENGTH_BUCKETS.map(([label, lo, hi]) => {
        const inBucket = all.filter((i) => cases[i].history.items.length >= lo && cases[i].history.items.length <= hi);
        return [label, group(inBucket, ranks)];
      }),
    ),
  };
}

/** The target's top-level category (unknown included) appears nowhere in the history. */
export function isCrossCategory(c: Case, topCategory: Int32Array): boolean {
  const cat = topCategory[c.target];
  for (let i = 0; i < c.history.items.length; i++) if (topCategory[c.history.items[i]] === cat) return false;
  return true;
}

function group(idx: number[], ranks: ArrayLike<number>): Group {
  return { users: idx.length, metrics: summarize(idx.map((i) => ranks[i])) };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : 0;
}
