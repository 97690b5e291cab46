// npm run quantize -- --model <modelDir> --out <modelDir> --to uint8|uint16|float32
// Re-encodes a model's weights (TF.js's affine per-tensor quantization). Measure the quality loss
// with `npm run eval` on both before shipping the smaller one.
import { resolve } from 'node:path';
import { parseFlags, stringFlag } from './lib/args';
import { readArtifact, writeArtifact } from './lib/artifact-io';
import type { Quantization } from '../src/model/plain/artifact';

const USAGE = 'usage: npm run quantize -- --model <modelDir> --out <modelDir> --to uint8|uint16|float32';

async function main() {
  const flags = parseFlags(process.argv.slice(2), ['model', 'out', 'to', 'help']);
  if (flags.help) return console.log(USAGE);
  const model = stringFlag(flags, 'model');
  const out = stringFlag(flags, 'out');
  const to = stringFlag(flags, 'to') as Quantization;
  if (!model || !out || !['uint8', 'uint16', 'float32'].includes(to)) throw new Error(USAGE);
  const { json, weights } = await readArtifact(resolve(model));
  const name = json.version.replace(/-[0-9a-f]{12}$/, '');
  const written = await writeArtifact(resolve(out), json.config, weights, {
    name,
    quantization: to,
    training: { ...json.training, quantizedFrom: json.version },
  });
  console.log(`${json.version} -> ${written.version} (${to})`);
}

main().catch((err) => {
  console.error(`quantize: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
