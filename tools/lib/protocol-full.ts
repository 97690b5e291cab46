// Protocol "full" (S3-Rec / ICLRec): the test item ranked against every item, the user's earlier
// items excluded. Baselines are fitted on the same training split as the model (each user's events
// minus the last two), and like the model they read each user's whole history at test time.
import { writeFileSync } from 'node:fs';
import { baselineRanks, buildBaselines } from './baselines';
import { breakdown } from './breakdown';
import type { EvalContext } from './eval-context';
import { historySet, rankFull } from './full-rank';
import { summarize, type Metrics } from './metrics';

export interface ProtocolResult {
  users: number;
  metrics: Metrics;
  baselines: Record<string, Metrics>;
  breakdown: Record<string, unknown>;
}

export function runFull(ctx: EvalContext, dump?: string): ProtocolResult {
  const { ds, split, model, topCategory } = ctx;
  const { cases } = ctx;
  ctx.log(`full: ranking ${ds.items.length} items for ${cases.length} users`);
  const ranked = rankFull(model.w, model.cfg, model.codes, cases, { top: 20, prior: model.prior });
  const baselines: Record<string, Metrics> = {};
  for (const b of buildBaselines(ds.items.length, split.train)) {
    const started = Date.now();
    baselines[b.name] = summarize(baselineRanks(b, cases, ds.items.length, historySet).ranks);
    ctx.log(`full: baseline ${b.name} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  if (dump) {
    const lines = cases.map((c, i) => JSON.stringify({ user_id: c.userId, target: ds.items[c.target].item_id, ranked: ranked.tops![i].map((j) => ds.items[j].item_id) }));
    writeFileSync(dump, lines.join('\n') + '\n');
  }
  return {
    users: cases.length,
    metrics: summarize(ranked.ranks),
    baselines,
    breakdown: breakdown({
      cases,
      ranks: ranked.ranks,
      tops: ranked.tops!.map((t) => t.slice(0, 10)),
      topCategory,
      itemCount: ds.items.length,
      // A test history holds the validation event too; training saw the rest.
      trainLength: (c) => c.history.items.length - (ctx.target === 'test' ? 1 : 0),
    }),
  };
}
