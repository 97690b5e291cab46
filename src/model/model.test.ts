// The backend suite in Node: CPU and WASM (the training tools' backend).
import '../../tools/lib/backend';
import { useBackend } from '../../tools/lib/backend';
import { modelSuite } from './testing/suite';

modelSuite('cpu', async () => (await useBackend('cpu')) === 'cpu');
modelSuite('wasm', async () => (await useBackend('wasm')) === 'wasm');
