// node tools/run.mjs golden   (from the repository root)
// Writes src/model/testing/golden.json: the fixture model's outputs on the CPU backend (TF.js's
// reference implementation), which the backend suite holds every backend to. Run it only after a
// deliberate change to what the model computes, and say why in the change.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { useBackend } from './lib/backend';
import { weightsFromArrays } from '../src/model/tensors';
import { disposeWeights, weightSpecs } from '../src/model/weights';
import { fixtureArrays } from '../src/model/testing/fixture-weights';
import { TINY } from '../src/model/testing/fixture';
import { GOLDEN_FILE, goldenOutputs } from '../src/model/testing/golden';

async function main() {
  if ((await useBackend('cpu')) !== 'cpu') throw new Error('the CPU backend is not available');
  const w = weightsFromArrays(weightSpecs(TINY), fixtureArrays());
  const outputs = await goldenOutputs(w);
  disposeWeights(w);
  // One output a line: a regenerated file's diff shows which outputs moved.
  const lines = Object.entries(outputs).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(Array.from(v))}`);
  writeFileSync(resolve(GOLDEN_FILE), `{\n${lines.join(',\n')}\n}\n`);
  console.log(`wrote ${GOLDEN_FILE}`);
}

main().catch((err) => {
  console.error(`golden: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
