// Which built file is which: the build's manifest names the lazily loaded TF.js backends.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Backend = 'webgpu' | 'webgl' | 'cpu';

const MANIFEST = fileURLToPath(new URL('../../dist/.vite/manifest.json', import.meta.url));

/** The file each backend's dynamic import loads (read after `npm start` has built dist/). */
export function backendChunks(): Record<Backend, string> {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string }>;
  const file = (b: Backend) => {
    const entry = manifest[`node_modules/@tensorflow/tfjs-backend-${b}/dist/index.js`];
    if (!entry) throw new Error(`no ${b} backend chunk in ${MANIFEST}`);
    return entry.file;
  };
  return { webgpu: file('webgpu'), webgl: file('webgl'), cpu: file('cpu') };
}

/** Whether a request URL fetched that built file. */
export function isChunk(url: string, file: string): boolean {
  return new URL(url).pathname === `/${file}`;
}
