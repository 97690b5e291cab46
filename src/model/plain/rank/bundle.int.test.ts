// The ranking path is meant for the page's own bundle: it must not pull in TF.js or Node.
import { build } from 'esbuild';
import { expect, test } from 'vitest';

test('the ranker bundles for the page without TF.js or Node built-ins', async () => {
  const out = await build({ entryPoints: ['src/model/plain/rank/ranker.ts'], bundle: true, write: false, format: 'esm', platform: 'browser', metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.some((p) => p.includes('rank/encoder.ts'))).toBe(true);
  expect(inputs.filter((p) => p.includes('@tensorflow') || p.startsWith('node:'))).toEqual([]);
});
