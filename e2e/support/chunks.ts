// Which built file is which: the build's manifest names the lazily loaded TF.js backends, and
// tells the learning worker's files from those the page ranks with.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Backend = 'webgpu' | 'webgl' | 'cpu';

const MANIFEST = fileURLToPath(new URL('../../dist/.vite/manifest.json', import.meta.url));

type Manifest = Record<string, { file: string; imports?: string[]; dynamicImports?: string[] }>;
const manifest = (): Manifest => JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;

/** The file each backend's dynamic import loads (read after `npm start` has built dist/). */
export function backendChunks(): Record<Backend, string> {
  const m = manifest();
  const file = (b: Backend) => {
    const entry = m[`node_modules/@tensorflow/tfjs-backend-${b}/dist/index.js`];
    if (!entry) throw new Error(`no ${b} backend chunk in ${MANIFEST}`);
    return entry.file;
  };
  return { webgpu: file('webgpu'), webgl: file('webgl'), cpu: file('cpu') };
}

/** Files the learning worker loads (TF.js, its backends, the training code) that no page-side
 *  chunk (store, UI, ranking) needs. */
export function learningChunks(): string[] {
  const m = manifest();
  const reach = (key: string, into = new Set<string>(), dynamic = false): Set<string> => {
    const entry = m[key];
    if (!entry || into.has(entry.file)) return into;
    into.add(entry.file);
    for (const next of [...(entry.imports ?? []), ...(dynamic ? (entry.dynamicImports ?? []) : [])]) reach(next, into, dynamic);
    return into;
  };
  const page = new Set(['src/store/index.ts', 'src/ui/index.ts', 'src/rank-on-page/index.ts'].flatMap((k) => [...reach(k, new Set(), true)]));
  return [...reach('src/worker/index.ts', new Set(), true)].filter((f) => !page.has(f));
}

/** Whether a request URL fetched that built file. */
export function isChunk(url: string, file: string): boolean {
  return new URL(url).pathname === `/${file}`;
}
