// npm run eval -- --model <modelDir> --data <dir> --protocol full|rerank|adapt|cross|explain --json <out.json>
//                 [--dump <rankings.jsonl>] [--seed 1] [--ranker plain|tfjs]
// Evaluates a model artifact on any dataset folder in the shared format, with the literature's
// leave-last-out protocol, and reports the neighbourhood baselines beside it. `--split valid`
// scores the validation targets instead (for tuning; report the test split). `--ranker` picks the
// path that scores the rerank protocol: the widget's TF.js-free one (default) or TF.js. `explain`
// checks that the widget's "Why this?" reasons are faithful to the model (lib/protocol-explain.ts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { useBackend } from './lib/backend';
import { numberFlag, parseFlags, stringFlag } from './lib/args';
import { evalContext } from './lib/eval-context';
import { METRIC_NAMES, type Metrics } from './lib/metrics';
import { runFull, type ProtocolResult } from './lib/protocol-full';
import { RERANK_RANKERS, runRerank, type RerankRanker } from './lib/protocol-rerank';
import { runAdapt } from './lib/protocol-adapt';
import { runExplain, type ExplainResult } from './lib/protocol-explain';
import { runCross } from './lib/protocol-cross';

const USAGE = 'usage: npm run eval -- --model <modelDir> --data <dir> --protocol full|rerank|adapt|cross|explain --json <out.json> [--dump <rankings.jsonl>] [--seed 1] [--split test|valid] [--backend wasm|cpu] [--ranker plain|tfjs]';
const FLAGS = ['model', 'data', 'protocol', 'json', 'dump', 'seed', 'split', 'backend', 'ranker', 'help'];
const PROTOCOLS = ['full', 'rerank', 'adapt', 'cross', 'explain'] as const;

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return console.log(USAGE);
  const need = (name: string) => stringFlag(flags, name) ?? fail(`--${name} is required`);
  const protocol = need('protocol') as (typeof PROTOCOLS)[number];
  if (!PROTOCOLS.includes(protocol)) fail(`--protocol must be one of ${PROTOCOLS.join(', ')}`);
  const dump = stringFlag(flags, 'dump');
  if (dump && protocol !== 'full') fail('--dump applies to --protocol full');
  const ranker = stringFlag(flags, 'ranker', 'plain') as RerankRanker;
  if (!RERANK_RANKERS.includes(ranker)) fail(`--ranker must be one of ${RERANK_RANKERS.join(', ')}`);
  if (flags.ranker !== undefined && protocol !== 'rerank') fail('--ranker applies to --protocol rerank');
  const jsonPath = resolve(need('json'));
  const backend = await useBackend(stringFlag(flags, 'backend', 'wasm') as 'wasm' | 'cpu');
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  const split = stringFlag(flags, 'split', 'test');
  if (split !== 'test' && split !== 'valid') fail('--split must be test or valid');
  const ctx = await evalContext(resolve(need('model')), resolve(need('data')), numberFlag(flags, 'seed', 1, Number.isInteger), log, split);
  log(`${ctx.ds.name}: ${ctx.split.test.length} test users, ${ctx.ds.items.length} items; model ${ctx.model.json.version}; backend ${backend}`);
  const result: ProtocolResult | ExplainResult =
    protocol === 'explain'
      ? await runExplain(ctx)
      : protocol === 'full' ? runFull(ctx, dump && resolve(dump)) : protocol === 'rerank' ? await runRerank(ctx, ranker) : protocol === 'cross' ? await runCross(ctx) : await runAdapt(ctx);
  const out = { protocol, dataset: ctx.ds.name, split, model: ctx.model.json.version, seed: ctx.seed, ...(protocol === 'rerank' ? { ranker } : {}), ...result, seconds: Math.round((Date.now() - started) / 100) / 10 };
  writeFileSync(jsonPath, JSON.stringify(out, null, 2) + '\n');
  if ('faithfulness' in result) printFaithfulness(result);
  else printTable(protocol === 'adapt' ? 'adapted' : 'model', result.metrics, result.baselines);
  console.log(`${out.seconds}s; wrote ${jsonPath}`);
}

function printTable(name: string, metrics: Metrics, baselines: Record<string, Metrics>) {
  const row = (m: Metrics) => Object.fromEntries(METRIC_NAMES.map((k) => [k, +m[k].toFixed(4)]));
  console.table({ [name]: row(metrics), ...Object.fromEntries(Object.entries(baselines).map(([k, m]) => [k, row(m)])) });
}

function printFaithfulness(r: ExplainResult) {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.table({ explain: pct(r.faithfulness), ...Object.fromEntries(Object.entries(r.baselines).map(([k, v]) => [k, pct(v)])) });
  console.log(`${r.breakdown.compared} of ${r.items} shelf items compared; ${pct(r.breakdown.cited_share)} cite an event, ${pct(r.breakdown.pattern_share)} a pattern too`);
}

function fail(message: string): never {
  throw new Error(`${message}\n${USAGE}`);
}

main().catch((err) => {
  console.error(`eval: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
