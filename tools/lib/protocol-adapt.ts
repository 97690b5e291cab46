// Protocol "adapt" (on-device learning): every test user scored by the global model alone and by
// the global model plus the personal vector the worker would fit on that user's own earlier events
// (the same adaptPersonal code and ADAPT_DEFAULTS budget the browser worker uses). The negatives are
// what a device has seen offered and not picked: popular items outside the user's history.
import { ADAPT_DEFAULTS, adaptPersonal } from '../../src/model/train/adapt';
import { historyEvents, type EvalContext } from './eval-context';
import { historySet, rankFull } from './full-rank';
import { popularityCounts } from './baselines';
import { aliasPool, caseSeed, drawPopular } from './rerank';
import { summarize, type Metrics } from './metrics';
import { rng } from '../../src/shared/random';
import type { ProtocolResult } from './protocol-full';
import { isHeldOut, type Holdout } from './holdout';

const CHUNK = 256;
const BUCKETS: [string, number, number][] = [
  ['1-4', 1, 4],
  ['5-9', 5, 9],
  ['10-19', 10, 19],
  ['20+', 20, Infinity],
];

export async function runAdapt(ctx: EvalContext): Promise<ProtocolResult> {
  const { ds, split, model } = ctx;
  // On-device learning happens on shoppers the global model has not seen. A model trained with
  // --holdout-users is evaluated on exactly those; otherwise on everyone (and says so).
  const holdout = ctx.model.json.training?.holdoutUsers as Holdout | undefined;
  const cases = holdout ? ctx.cases.filter((c) => isHeldOut(c.userId, holdout)) : ctx.cases;
  ctx.log(`adapt: ${cases.length} users${holdout ? ' held out of training' : ' (the model was trained on them: use train --holdout-users for unseen shoppers)'}`);
  const popularity = popularityCounts(ds.items.length, split.train);
  const pool = aliasPool(Array.from(ds.items.keys()), popularity);
  const personal: (Float32Array | null)[] = new Array(cases.length).fill(null);
  const started = Date.now();
  for (let s = 0; s < cases.length; s += CHUNK) {
    const chunk = cases.slice(s, s + CHUNK);
    const inputs = chunk.map((c) => {
      // Drawn per user from its own seed, without looking at the target (it may even be drawn).
      const offered = drawPopular(pool, ADAPT_DEFAULTS.negatives, historySet(c), rng(caseSeed(ctx.seed, c.userId)));
      return { history: historyEvents(ds, c.history), negatives: offered.map((i) => ds.items[i]), offerWeights: offered.map((i) => popularity[i]) };
    });
    const results = await adaptPersonal(model.w, model.cfg, inputs, ADAPT_DEFAULTS);
    results.forEach((r, j) => (personal[s + j] = r.personal));
    if ((s / CHUNK) % 20 === 0) ctx.log(`adapt: ${Math.min(s + CHUNK, cases.length)}/${cases.length} users, ${((Date.now() - started) / 1000).toFixed(0)}s`);
  }
  const global = rankFull(model.w, model.cfg, model.codes, cases, { prior: model.prior }).ranks;
  const adapted = rankFull(model.w, model.cfg, model.codes, cases, { personal, prior: model.prior }).ranks;
  const byLength: Record<string, { users: number; adapted_users: number; global: Metrics; adapted: Metrics }> = {};
  for (const [name, lo, hi] of BUCKETS) {
    const idx = cases.map((c, i) => [c.history.items.length, i]).filter(([n]) => n >= lo && n <= hi).map(([, i]) => i);
    byLength[name] = {
      users: idx.length,
      adapted_users: idx.filter((i) => personal[i]).length,
      global: summarize(idx.map((i) => global[i])),
      adapted: summarize(idx.map((i) => adapted[i])),
    };
  }
  return {
    users: cases.length,
    metrics: summarize(adapted),
    baselines: { global_model: summarize(global) },
    breakdown: {
      users_unseen_by_model: !!holdout,
      adapted_users: personal.filter(Boolean).length,
      options: ADAPT_DEFAULTS,
      by_history_length: byLength,
    },
  };
}
