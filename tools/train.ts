// npm run train [-- --data <dir> --out <modelDir> ...]
// Trains the shared model on a dataset folder (leave-last-out split; the test event never reaches
// training or validation) and writes an artifact the widget loads. Without --data it builds the
// demo: a generated shopper-behaviour dataset for the demo catalog, into models/demo.
import { resolve } from 'node:path';
import { useBackend } from './lib/backend';
import { loadDataset } from './lib/dataset';
import { leaveLastOut } from './lib/split';
import { isHeldOut, type Holdout } from './lib/holdout';
import { catalogCodes } from './lib/catalog-tensors';
import { TRAIN_DEFAULTS, trainModel, type TrainOptions } from './lib/trainer';
import { writeArtifact } from './lib/artifact-io';
import { numberFlag, parseFlags, positiveInt, stringFlag } from './lib/args';
import { configFor } from './lib/presets';
import { weightsToArrays } from '../src/model/tensors';
import type { Quantization } from '../src/model/plain/artifact';
import { coArrays } from '../src/model/plain/co-occurrence';
import { CO_DEFAULTS, fitCoOccurrence } from './lib/co-occurrence';
import { writeDemoDataset } from './demo-data';

const USAGE = `usage: npm run train -- [--data <dir>] [--out <modelDir>] [--epochs N] [--lr X] [--dropout X]
  [--negatives N] [--batch N] [--seed N] [--max-minutes N] [--quantize float32|uint16|uint8]
  [--dim N] [--max-len N] [--item-buckets N] [--blocks N] [--heads N] [--backend wasm|cpu] [--valid-users N]
  [--holdout-users F]   keep a share F of users out of training (for the adapt protocol)
  [--co-neighbours K]   neighbours per item in the co-occurrence prior (default 20; 0: none)
  [--popular-negatives F]  draw a share F of each step's negatives by popularity (logQ-corrected;
                        an experiment, see docs/experiments.md; uniform by default)`;
const FLAGS = ['data', 'out', 'epochs', 'lr', 'dropout', 'negatives', 'batch', 'seed', 'max-minutes', 'quantize', 'dim', 'max-len', 'item-buckets', 'blocks', 'heads', 'backend', 'valid-users', 'holdout-users', 'popular-negatives', 'co-neighbours', 'help'];

async function main() {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return console.log(USAGE);
  const demo = !flags.data;
  const dataDir = demo ? resolve('.cache/demo-data') : resolve(stringFlag(flags, 'data')!);
  const outDir = resolve(stringFlag(flags, 'out', demo ? 'models/demo' : undefined) ?? fail('--out <modelDir> is required with --data'));
  // The demo ships to browsers: uint8 weights are a quarter of the size for a measured loss of
  // 0.2% NDCG@10 (see README); dataset models default to exact float32.
  const quantization = stringFlag(flags, 'quantize', demo ? 'uint8' : 'float32') as Quantization;
  if (!['float32', 'uint16', 'uint8'].includes(quantization)) fail(`--quantize: expected float32, uint16 or uint8`);
  if (demo) console.log('demo data:', await writeDemoDataset(dataDir, { seed: numberFlag(flags, 'seed', 1) }));

  const backend = await useBackend((stringFlag(flags, 'backend', 'wasm') as 'wasm' | 'cpu'));
  const started = Date.now();
  const ds = await loadDataset(dataDir);
  const fraction = numberFlag(flags, 'holdout-users', 0, (n) => n >= 0 && n < 1);
  const holdout: Holdout | undefined = fraction > 0 ? { fraction, seed: numberFlag(flags, 'seed', 1) } : undefined;
  const split = leaveLastOut(ds.users.filter((u) => !isHeldOut(u.userId, holdout)));
  if (holdout) console.log(`holding out ${ds.users.length - split.test.length - split.skippedUsers} users from training (--holdout-users ${fraction})`);
  const cfg = configFor(ds.items.length, demo, flags);
  console.log(`${ds.name}: ${ds.events} events, ${ds.users.length} users (${split.skippedUsers} with < 3 events skipped), ${ds.items.length} items; backend ${backend}`);
  console.log('config', JSON.stringify(cfg));
  const opts: TrainOptions = {
    ...TRAIN_DEFAULTS,
    epochs: numberFlag(flags, 'epochs', 30, positiveInt),
    learningRate: numberFlag(flags, 'lr', TRAIN_DEFAULTS.learningRate, (n) => n > 0),
    dropout: numberFlag(flags, 'dropout', TRAIN_DEFAULTS.dropout, (n) => n >= 0 && n < 1),
    negatives: numberFlag(flags, 'negatives', TRAIN_DEFAULTS.negatives, positiveInt),
    batchSize: numberFlag(flags, 'batch', TRAIN_DEFAULTS.batchSize, positiveInt),
    seed: numberFlag(flags, 'seed', TRAIN_DEFAULTS.seed, Number.isInteger),
    validUsers: numberFlag(flags, 'valid-users', TRAIN_DEFAULTS.validUsers, positiveInt),
    // A slower machine fits fewer epochs in the budget; the schedule adapts (see trainer.ts).
    maxSeconds: numberFlag(flags, 'max-minutes', 14, (n) => n > 0) * 60,
  };
  const popularShare = numberFlag(flags, 'popular-negatives', 0, (n) => n >= 0 && n <= 1);
  if (popularShare > 0) opts.popularNegatives = popularShare;
  const codes = catalogCodes(ds.items, cfg);
  const result = await trainModel(cfg, codes, split.train, split.valid, opts);
  const best = result.epochs.find((e) => e.epoch === result.bestEpoch)!;
  const co = fitCoOccurrence(result.weights, cfg, codes, split, { ...opts, k: numberFlag(flags, 'co-neighbours', CO_DEFAULTS.k, (n) => Number.isInteger(n) && n >= 0) });
  const json = await writeArtifact(outDir, cfg, [...(await weightsToArrays(result.weights)), ...(co ? coArrays(co.table) : [])], {
    name: demo ? 'demo' : ds.name,
    quantization,
    training: {
      dataset: ds.name,
      events: ds.events,
      users: ds.users.length,
      items: ds.items.length,
      options: { ...opts, log: undefined, maxSeconds: Number.isFinite(opts.maxSeconds) ? opts.maxSeconds : null },
      bestEpoch: result.bestEpoch,
      ...(holdout ? { holdoutUsers: holdout } : {}),
      validNdcg10: best.validNdcg10,
      ...(co ? { coOccurrence: co.record } : {}),
      seconds: Math.round((Date.now() - started) / 1000),
    },
  });
  console.table({ model: { version: json.version, bestEpoch: result.bestEpoch, 'valid NDCG@10': +best.validNdcg10.toFixed(4), seconds: Math.round((Date.now() - started) / 1000) } });
  console.log(`wrote ${outDir}`);
}

function fail(message: string): never {
  throw new Error(`${message}\n${USAGE}`);
}

main().catch((err) => {
  console.error(`train: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
