// Protocol "cross" (cross-sell shelves): the test users whose target is new to them and lies in
// another top-level category than their newest event, the context item a cart or product page
// would send (cross-cases.ts). Each gets the target and 99 negatives drawn by training popularity
// from the categories other than the context item's (none from the history; seeded, shuffled), so
// every candidate is a cross-category one and the target's category gives nothing away. The model
// re-orders them against what a server would do with the context item alone: its co-purchase lift
// with each candidate over the training data (server/co-purchase.ts, as the demo store orders its
// cross-sell shelves), and item-kNN; SKNN and popularity are reported too.
import { addComplementScores, coPurchase, type LiftOptions } from '../../server/co-purchase';
import { INTEREST_ROWS } from '../../src/shared/events';
import { rng } from '../../src/shared/random';
import type { Sequence } from '../../src/model/plain/batch';
import { buildBaselines, popularityCounts, type Baseline } from './baselines';
import type { Dataset } from './dataset';
import type { EvalContext } from './eval-context';
import { summarize, type Metrics } from './metrics';
import type { ProtocolResult } from './protocol-full';
import { plainRanks, rankIn } from './protocol-rerank';
import { caseSeed } from './rerank';
import { crossCandidates, isCrossCase, topLevelCategories } from './cross-cases';
import type { Case } from './split';

/** The server's order: raw lift with the context item, every co-purchase counted (the strongest
 *  setting on the validation targets of Beauty, DIGINETICA and Taobao; docs/experiments.md). */
const SERVER_LIFT: LiftOptions = { prior: 0, minSupport: 1 };

const SERVER_NAMES: Record<string, string> = { popularity: 'server_popularity', itemknn: 'server_itemknn' };

export async function runCross(ctx: EvalContext): Promise<ProtocolResult> {
  const { ds, split } = ctx;
  const top = topLevelCategories(ds.items);
  const cases = ctx.cases.filter((c) => isCrossCase(c, top));
  ctx.log(`cross: ${cases.length} of ${ctx.cases.length} users have a target outside their newest event's top-level category`);
  const popularity = popularityCounts(ds.items.length, split.train);
  const draw = crossCandidates(top, popularity);
  const candidates = cases.map((c) => draw(c, rng(caseSeed(ctx.seed, c.userId))));
  const metrics = summarize(await plainRanks(ctx, cases, candidates));
  const asCart = summarize(await plainRanks(ctx, cases.map(contextAsCart), candidates));
  const cartAdded = summarize(await plainRanks(ctx, cases.map(contextCartAdded), candidates));
  const n = ds.items.length;
  const baselines: Record<string, Metrics> = { server_copurchase: summarize(baselineRanks(coPurchaseOrder(ds, popularity), n, cases, candidates)) };
  for (const b of buildBaselines(n, split.train)) baselines[SERVER_NAMES[b.name] ?? b.name] = summarize(baselineRanks(b, n, cases, candidates));
  const ratio = (m: Metrics) => (m['NDCG@10'] > 0 ? metrics['NDCG@10'] / m['NDCG@10'] : null);
  return {
    users: cases.length,
    metrics,
    baselines,
    breakdown: {
      share_of_test_users: ctx.cases.length ? cases.length / ctx.cases.length : 0,
      candidates_per_user: candidates[0]?.length ?? 0,
      top_level_categories: new Set(Array.from(top).filter((t) => t >= 0)).size,
      ndcg10_vs_server_copurchase: ratio(baselines.server_copurchase),
      ndcg10_vs_sknn: ratio(baselines.sknn),
      model_context_as_cart: asCart,
      model_context_cart_added: cartAdded,
      server_copurchase_lift: SERVER_LIFT,
    },
  };
}

/** The same case with its newest event read as an add to cart. */
function contextAsCart(c: Case): Case {
  const types = Int32Array.from(c.history.types);
  types[types.length - 1] = INTEREST_ROWS.add_to_cart;
  return { ...c, history: { items: c.history.items, types } };
}

/** The same case with an add to cart of its newest event's item after it. */
function contextCartAdded(c: Case): Case {
  const n = c.history.items.length;
  const items = new Int32Array(n + 1);
  items.set(c.history.items);
  items[n] = items[n - 1];
  const types = new Int32Array(n + 1);
  types.set(c.history.types);
  types[n] = INTEREST_ROWS.add_to_cart;
  return { ...c, history: { items, types } };
}

function baselineRanks(b: Baseline, itemCount: number, cases: readonly Case[], candidates: readonly Int32Array[]): Float64Array {
  const buffer = new Float32Array(itemCount);
  return Float64Array.from(cases, (c, i) => {
    b.score(c.history, buffer);
    return rankIn(buffer, candidates[i], c.target);
  });
}

/**
 * The server's cross-sell order for the newest event alone: items the same shoppers interacted
 * with ("customers who bought this also bought": each shopper's training events are one basket,
 * every event type counted, since most datasets have few carts) by excess lift, then everything
 * else by popularity.
 */
function coPurchaseOrder(ds: Dataset, popularity: Float64Array): Baseline {
  const n = ds.items.length;
  const table = coPurchase(trainingBaskets(ds), n);
  let max = 0;
  for (const p of popularity) max = Math.max(max, p);
  const lifts = new Float64Array(n);
  return {
    name: 'server_copurchase',
    score(history: Sequence, out: Float32Array) {
      lifts.fill(0);
      if (history.items.length) addComplementScores(table, [history.items[history.items.length - 1]], lifts, SERVER_LIFT);
      // Associated items score above 1, the rest by popularity below it.
      for (let i = 0; i < out.length; i++) out[i] = lifts[i] > 0 ? 1 + lifts[i] : popularity[i] / (max + 1);
    },
  };
}

/** Every user's training events: all but the last two, as in leaveLastOut. */
function* trainingBaskets(ds: Dataset) {
  for (const u of ds.users) if (u.items.length >= 3) yield u.items.subarray(0, u.items.length - 2);
}
