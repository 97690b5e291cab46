// Protocol "explain": are the widget's "Why this?" reasons faithful to the model? Per test user,
// the shelf is what the widget would show (the top SHELF of the rerank protocol's candidates,
// ranked by the TF.js-free path), each shelf item is explained by the widget's own code
// (src/model/plain/rank/explain.ts), and then, independently of that code, the first-cited event
// and a random other event the model reads are each removed from the user's whole history and
// the item scored again. The reason is faithful when removing the cited event lowers the item's
// score more than removing the random one (ties count against it). Two heuristics a widget could
// cite instead are checked on the same items, the same way: the newest event, and the newest event
// of the item's top-level category.
import type { EvalContext } from './eval-context';
import { historyEvents } from './eval-context';
import { caseSeed, rerankContext, sampleCandidates } from './rerank';
import { pickCodes, type EventLike, type ItemLike } from '../../src/model/plain/features';
import { createRanker, type Ranker } from '../../src/model/plain/rank/ranker';
import { sequenceCodes } from '../../src/model/plain/rank/history';
import { explain } from '../../src/model/plain/rank/explain';
import { weightsToArrays } from '../../src/model/tensors';
import { rng, type Random } from '../../src/shared/random';

/** Cards a shelf shows by default (data-shelfwise-count). */
const SHELF = 8;

const CITERS = ['explain', 'newest_event', 'newest_same_category'] as const;
type Citer = (typeof CITERS)[number];

export interface ExplainResult {
  users: number;
  /** Shelf items that were explained (users × SHELF). */
  items: number;
  /** Share of compared items where removing the cited event lowers the score more than removing a random one. */
  faithfulness: number;
  /** The same share for each heuristic, on the items compared for `explain`. */
  baselines: Record<Exclude<Citer, 'explain'>, number>;
  breakdown: {
    /** Items compared: a cited event and at least one other event in the window. */
    compared: number;
    /** Shelf items with a cited event (the others read "Popular in this store"). */
    cited_share: number;
    /** Shelf items with a second reason (a category or brand pattern). */
    pattern_share: number;
    /** Comparisons where both removals changed the score equally (counted as unfaithful). */
    ties: number;
    /** Milliseconds to explain one shelf on this machine (the page explains one card at a time). */
    ms_per_shelf: { p50: number; p95: number };
  };
}

export async function runExplain(ctx: EvalContext): Promise<ExplainResult> {
  const { ds, split, model } = ctx;
  const { cfg, codes } = model;
  const ranker = createRanker(cfg, await weightsToArrays(model.w), model.rankPrior);
  const rerank = rerankContext(ds.items, split.train);
  const wins: Record<Citer, number> = { explain: 0, newest_event: 0, newest_same_category: 0 };
  let items = 0;
  let compared = 0;
  let cited = 0;
  let patterns = 0;
  let ties = 0;
  const times: number[] = [];
  ctx.log(`explain: ${ctx.cases.length} users, a shelf of ${SHELF} each`);
  ctx.cases.forEach((c, u) => {
    const offered = sampleCandidates(c, rerank, rng(caseSeed(ctx.seed, c.userId)));
    const scores = ranker.scoreCodes(sequenceCodes(codes, c.history, cfg), pickCodes(codes, offered, cfg));
    const shelf = topRows(scores, SHELF).map((r) => ds.items[offered[r]]);
    const history = historyEvents(ds, c.history);
    const started = performance.now();
    const explained = explain(ranker, history, shelf);
    times.push(performance.now() - started);
    const removal = removals(ranker, history, shelf);
    const random = rng(caseSeed(ctx.seed + 1, c.userId));
    explained.forEach((x, j) => {
      items++;
      if (x.reasons.length > 1) patterns++;
      const first = x.reasons[0];
      if (!first || first.kind !== 'event') return;
      cited++;
      if (x.window.length < 2) return;
      compared++;
      const citedBy: Record<Citer, number> = {
        explain: first.event,
        newest_event: x.window[x.window.length - 1],
        newest_same_category: newestSameCategory(history, x.window, shelf[j]),
      };
      for (const name of CITERS) {
        const event = citedBy[name];
        const other = otherEvent(x.window, event, random);
        const [a, b] = [removal(event)[j], removal(other)[j]];
        if (a > b) wins[name]++;
        else if (name === 'explain' && a === b) ties++;
      }
    });
    if ((u + 1) % 5000 === 0) ctx.log(`explain: ${u + 1}/${ctx.cases.length} users`);
  });
  const share = (n: number) => (compared ? n / compared : 0);
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 100) / 100;
  return {
    users: ctx.cases.length,
    items,
    faithfulness: share(wins.explain),
    baselines: { newest_event: share(wins.newest_event), newest_same_category: share(wins.newest_same_category) },
    breakdown: {
      compared,
      cited_share: items ? cited / items : 0,
      pattern_share: items ? patterns / items : 0,
      ties,
      ms_per_shelf: { p50: at(0.5), p95: at(0.95) },
    },
  };
}

/** Rows of the `k` highest scores, best first. */
function topRows(scores: Float32Array, k: number): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
}

/**
 * How much each shelf item's score falls when one event is removed from the whole history (as if
 * the shopper had never had it): the ranker's public path over event lists, not explain's codes.
 * Memoized per removed event.
 */
function removals(ranker: Ranker, history: readonly EventLike[], shelf: readonly ItemLike[]): (event: number) => Float32Array {
  const base = ranker.score(history, shelf);
  const memo = new Map<number, Float32Array>();
  return (event) => {
    let drop = memo.get(event);
    if (!drop) {
      const after = ranker.score(history.filter((_, i) => i !== event), shelf);
      drop = Float32Array.from(base, (s, j) => s - after[j]);
      memo.set(event, drop);
    }
    return drop;
  };
}

/** A uniformly drawn window event other than `event`. */
function otherEvent(window: readonly number[], event: number, random: Random): number {
  const others = window.filter((e) => e !== event);
  return others[Math.floor(random() * others.length)];
}

/** The newest window event of the item's top-level category; the newest event when there is none. */
function newestSameCategory(history: readonly EventLike[], window: readonly number[], item: ItemLike): number {
  const top = (c: string | undefined) => (c ?? '').split('>')[0].trim();
  for (let k = window.length - 1; k >= 0; k--) if (top(history[window[k]].category) === top(item.category) && top(item.category)) return window[k];
  return window[window.length - 1];
}
