// npm run bench:sim-device -- --data <folder> [--devices N] [--start-model <dir>] [--json <out.json>]
// What one simulated device costs `npm run simulate`, per aggregation mode: one thread plays N
// devices of a round (local update, clip, encode, then central mode's decode, re-clip and add, or
// two-aggregator mode's report, both aggregators' sums of it), the same devices in both modes.
// CPU time of the whole process (the GC's threads and WebCrypto's included) per device, after a
// warm-up pass, and the share of the machine's CPU time the hypervisor gave elsewhere meanwhile
// (steal: on a shared virtual machine the same work then takes longer). The simulation's wall
// time is about this times the devices of all rounds, over the cores, plus the starting model and
// the centralized reference.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { numberFlag, parseFlags, positiveInt, stringFlag } from './lib/args';
import { readArtifact } from './lib/artifact-io';
import { useBackend } from './lib/backend';
import { popularityCounts } from './lib/baselines';
import { loadDataset } from './lib/dataset';
import { AGGREGATIONS, clientSide, SIM_DEFAULTS } from './lib/federated-sim';
import { stealMeter } from './lib/cpu-steal';
import { configFor } from './lib/presets';
import { leaveLastOut } from './lib/split';
import { federatedNames } from '../src/model/plain/federated-weights';
import { weightsFromArrays } from '../src/model/tensors';
import { createWeights, weightSpecs } from '../src/model/weights';
import { generateKeyPair } from '../src/privacy/secagg/hpke';

const USAGE = 'usage: npm run bench:sim-device -- --data <folder> [--devices N] [--start-model <dir>] [--json <out.json>]';
const WARM_UP = 60;

async function main() {
  const flags = parseFlags(process.argv.slice(2), ['data', 'devices', 'start-model', 'json', 'help']);
  if (flags.help) return console.log(USAGE);
  const data = stringFlag(flags, 'data');
  if (!data) throw new Error(`--data is required\n${USAGE}`);
  const devices = numberFlag(flags, 'devices', 800, positiveInt);
  await useBackend('wasm');
  const ds = await loadDataset(resolve(data));
  const split = leaveLastOut(ds.users);
  const cfg = configFor(ds.items.length, false, {});
  const specs = weightSpecs(cfg);
  const startDir = stringFlag(flags, 'start-model');
  // The weights' values barely move the cost: a fresh model unless a saved start is named.
  const w = startDir ? weightsFromArrays(specs, (await readArtifact(resolve(startDir))).weights) : createWeights(specs, 1);
  const names = federatedNames(specs, 'dense');
  const clients = split.test.map((c, i) => ({ ...c, history: split.train[i] }));
  const sim = { clipNorm: SIM_DEFAULTS.clipNorm, local: SIM_DEFAULTS.local, seed: 1 };
  const run = clientSide(w, cfg, names, ds, clients, popularityCounts(ds.items.length, split.train), sim);
  const values = names.map((n) => w[n].dataSync() as Float32Array);
  const helperKeys = await generateKeyPair(1);
  // Spread over the clients, so short and long histories both come.
  const ids = Array.from({ length: Math.min(devices, clients.length) }, (_, i) => Math.floor((i * clients.length) / Math.min(devices, clients.length)));
  const rows = [];
  for (const aggregation of AGGREGATIONS) {
    const secagg = aggregation === 'two-aggregator' ? { round: 1, modelVersion: 'bench', width: 32 as const, helperKeys } : undefined;
    await run({ round: 1, clients: ids.slice(0, WARM_UP), values, secagg });
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const stolen = stealMeter();
    await run({ round: 1, clients: ids, values, secagg });
    const used = process.cpuUsage(cpu);
    rows.push({
      aggregation,
      devices: ids.length,
      cpuMsPerDevice: +((used.user + used.system) / 1000 / ids.length).toFixed(2),
      wallMsPerDevice: +((performance.now() - wall) / ids.length).toFixed(2),
      stealShare: stolen(),
    });
  }
  console.table(rows);
  const json = stringFlag(flags, 'json');
  if (json) writeFileSync(resolve(json), JSON.stringify({ dataset: ds.name, values: values.reduce((n, v) => n + v.length, 0), rows }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
