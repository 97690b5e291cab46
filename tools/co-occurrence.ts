// npm run co-occurrence -- --model <modelDir> [--data <dir>] --out <modelDir> [--neighbours K]
// Gives a trained model the co-occurrence prior of a dataset (what `train` does after training),
// or a fresh one: the network is left as it is, so a merchant can refresh the prior as orders come
// in without training again. Without --data it uses the demo's generated shoppers.
import { resolve } from 'node:path';
import { numberFlag, parseFlags, stringFlag } from './lib/args';
import { readArtifact, writeArtifact } from './lib/artifact-io';
import { useBackend } from './lib/backend';
import { catalogCodes } from './lib/catalog-tensors';
import { CO_DEFAULTS, CO_MIN_GAIN, fitCoOccurrence } from './lib/co-occurrence';
import { loadDataset } from './lib/dataset';
import { leaveLastOut } from './lib/split';
import { TRAIN_DEFAULTS } from './lib/trainer';
import { writeDemoDataset } from './demo-data';
import { coArrays } from '../src/model/plain/co-occurrence';
import { CO_PREFIX } from '../src/model/plain/co-key';
import type { Quantization } from '../src/model/plain/artifact';
import { weightSpecs } from '../src/model/weights';
import { weightsFromArrays } from '../src/model/tensors';

const USAGE = 'usage: npm run co-occurrence -- --model <modelDir> [--data <dir>] --out <modelDir> [--neighbours K] [--seed N]';

async function main() {
  const flags = parseFlags(process.argv.slice(2), ['model', 'data', 'out', 'neighbours', 'seed', 'help']);
  if (flags.help) return console.log(USAGE);
  const need = (name: string) => stringFlag(flags, name) ?? fail(`--${name} is required`);
  const modelDir = resolve(need('model'));
  const outDir = resolve(need('out'));
  const seed = numberFlag(flags, 'seed', TRAIN_DEFAULTS.seed, Number.isInteger);
  const dataDir = flags.data ? resolve(stringFlag(flags, 'data')!) : resolve('.cache/demo-data');
  if (!flags.data) await writeDemoDataset(dataDir, { seed });
  await useBackend('wasm');
  const [{ json, weights }, ds] = await Promise.all([readArtifact(modelDir), loadDataset(dataDir)]);
  const cfg = json.config;
  const network = weights.filter((a) => !a.name.startsWith(CO_PREFIX));
  const codes = catalogCodes(ds.items, cfg);
  const split = leaveLastOut(ds.users);
  const w = weightsFromArrays(weightSpecs(cfg), network);
  const k = numberFlag(flags, 'neighbours', CO_DEFAULTS.k, (n) => Number.isInteger(n) && n >= 0);
  const co = fitCoOccurrence(w, cfg, codes, split, { k, seed, validUsers: TRAIN_DEFAULTS.validUsers });
  const training: Record<string, unknown> = { ...json.training, from: json.version };
  if (co) training.coOccurrence = { ...co.record, dataset: ds.name };
  else delete training.coOccurrence;
  const written = await writeArtifact(outDir, cfg, [...network, ...(co ? coArrays(co.table) : [])], {
    name: json.version.replace(/-[0-9a-f]{12}$/, ''),
    quantization: quantizationOf(json.weightsManifest[0].weights),
    training,
  });
  const why = k === 0 ? '--neighbours 0' : `it gained less than ${100 * CO_MIN_GAIN}% on validation`;
  console.log(`${json.version} -> ${written.version}: ${co ? `prior of ${co.record.items} items at weight ${co.record.weight}` : `no prior (${why})`}`);
}

/** The network's quantization, kept as it was. */
function quantizationOf(entries: { name: string; quantization?: { dtype: 'uint8' | 'uint16' } }[]): Quantization {
  return entries.find((e) => e.name === 'item')?.quantization?.dtype ?? 'float32';
}

function fail(message: string): never {
  throw new Error(`${message}\n${USAGE}`);
}

main().catch((err) => {
  console.error(`co-occurrence: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
