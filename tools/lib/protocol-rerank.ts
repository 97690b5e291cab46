// Protocol "rerank" (the product): each test user gets 100 candidates (target, 50 popularity
// negatives, 49 from the target's top category), and the model re-orders them against what a
// server would do: popularity order and item-kNN with the user's last item. The model ranks
// through the widget's TF.js-free path (`plain`, the default: what shoppers get) or through
// TF.js over the whole catalog (`tfjs`); both must give the same ranks.
import { buildBaselines } from './baselines';
import type { EvalContext } from './eval-context';
import { scoreAll } from './full-rank';
import { rankOf, summarize, type Metrics } from './metrics';
import { rng } from '../../src/shared/random';
import { caseSeed, rerankContext, sampleCandidates } from './rerank';
import type { ProtocolResult } from './protocol-full';
import type { Case } from './split';
import { pickCodes } from '../../src/model/plain/features';
import { createRanker } from '../../src/model/plain/rank/ranker';
import { sequenceCodes } from '../../src/model/plain/rank/history';
import { weightsToArrays } from '../../src/model/tensors';

const SERVER_NAMES: Record<string, string> = { popularity: 'server_popularity', itemknn: 'server_itemknn' };

export const RERANK_RANKERS = ['plain', 'tfjs'] as const;
export type RerankRanker = (typeof RERANK_RANKERS)[number];

export async function runRerank(ctx: EvalContext, ranker: RerankRanker = 'plain'): Promise<ProtocolResult> {
  const { ds, split } = ctx;
  const { cases } = ctx;
  const rerank = rerankContext(ds.items, split.train);
  const candidates = cases.map((c) => sampleCandidates(c, rerank, rng(caseSeed(ctx.seed, c.userId))));
  ctx.log(`rerank: ${cases.length} users x ${candidates[0]?.length ?? 0} candidates, ${ranker} ranker`);
  const modelRanks = ranker === 'plain' ? await plainRanks(ctx, cases, candidates) : tfjsRanks(ctx, candidates);
  const baselines: Record<string, Metrics> = {};
  const buffer = new Float32Array(ds.items.length);
  for (const b of buildBaselines(ds.items.length, split.train)) {
    const ranks = cases.map((c, i) => {
      b.score(c.history, buffer);
      return rankIn(buffer, candidates[i], c.target);
    });
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

/** The target's rank among the candidates, from scores indexed by catalog item. */
export function rankIn(scores: ArrayLike<number>, candidates: Int32Array, target: number): number {
  const sub = Float64Array.from(candidates, (item) => scores[item]);
  return rankOf(sub, candidates.indexOf(target), new Set());
}

/** Each case's candidates scored alone, as the widget scores a shelf. */
export async function plainRanks(ctx: EvalContext, cases: readonly Case[], candidates: readonly Int32Array[]): Promise<Float64Array> {
  const { cfg, codes, w, rankPrior } = ctx.model;
  const ranker = createRanker(cfg, await weightsToArrays(w), rankPrior);
  return Float64Array.from(cases, (c, i) => {
    const scores = ranker.scoreCodes(sequenceCodes(codes, c.history, cfg), pickCodes(codes, candidates[i], cfg));
    return rankOf(Float64Array.from(scores), candidates[i].indexOf(c.target), new Set());
  });
}

/** TF.js scores every catalog item per user; the candidates' scores are read from them. */
function tfjsRanks(ctx: EvalContext, candidates: Int32Array[]): Float64Array {
  const { cfg, codes, w, prior } = ctx.model;
  const ranks = new Float64Array(ctx.cases.length);
  scoreAll(w, cfg, codes, ctx.cases, (i, row) => (ranks[i] = rankIn(row, candidates[i], ctx.cases[i].target)), { prior });
  return ranks;
}
