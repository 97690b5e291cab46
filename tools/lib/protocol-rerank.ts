// Protocol "rerank" (the product): each test user gets 100 candidates (target, 50 popularity
// negatives, 49 from the target's top category), and the model re-orders them against what a
// server would do: popularity order and item-kNN with the user's last item.
import { buildBaselines } from './baselines';
import type { EvalContext } from './eval-context';
import { scoreAll } from './full-rank';
import { rankOf, summarize, type Metrics } from './metrics';
import { rng } from '../../src/shared/random';
import { caseSeed, rerankContext, sampleCandidates } from './rerank';
import type { ProtocolResult } from './protocol-full';

const SERVER_NAMES: Record<string, string> = { popularity: 'server_popularity', itemknn: 'server_itemknn' };

export function runRerank(ctx: EvalContext): ProtocolResult {
  const { ds, split, model } = ctx;
  const { cases } = ctx;
  const rerank = rerankContext(ds.items, split.train);
  const candidates = cases.map((c) => sampleCandidates(c, rerank, rng(caseSeed(ctx.seed, c.userId))));
  ctx.log(`rerank: ${cases.length} users x ${candidates[0]?.length ?? 0} candidates`);
  const rankIn = (scores: ArrayLike<number>, i: number) => {
    const cand = candidates[i];
    const sub = Float64Array.from(cand, (item) => scores[item]);
    return rankOf(sub, cand.indexOf(cases[i].target), new Set());
  };
  const modelRanks = new Float64Array(cases.length);
  scoreAll(model.w, model.cfg, model.codes, cases, (i, row) => (modelRanks[i] = rankIn(row, i)));
  const baselines: Record<string, Metrics> = {};
  const buffer = new Float32Array(ds.items.length);
  for (const b of buildBaselines(ds.items.length, split.train)) {
    const ranks = cases.map((c, i) => (b.score(c.history, buffer), rankIn(buffer, i)));
    baselines[SERVER_NAMES[b.name] ?? b.name] = summarize(ranks);
  }
  const metrics = summarize(modelRanks);
  const pop = baselines.server_popularity['NDCG@10'];
  return {
    users: cases.length,
    metrics,
    baselines,
    breakdown: {
      candidates_per_user: candidates[0]?.length ?? 0,
      ndcg10_vs_server_popularity: pop > 0 ? metrics['NDCG@10'] / pop : null,
      ndcg10_minus_server_itemknn: metrics['NDCG@10'] - baselines.server_itemknn['NDCG@10'],
    },
  };
}
