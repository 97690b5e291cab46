// The TF.js-free ranking path against TF.js in Node: CPU and WASM (the tools' backend).
import { useBackend } from '../../../../tools/lib/backend';
import { readArtifact } from '../../../../tools/lib/artifact-io';
import { plainRankSuite } from '../../testing/plain-suite';

const demo = () => readArtifact('models/demo');

plainRankSuite('cpu', async () => (await useBackend('cpu')) === 'cpu', demo);
plainRankSuite('wasm', async () => (await useBackend('wasm')) === 'wasm', demo);
