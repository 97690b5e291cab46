import { defineConfig, type Plugin } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from './e2e/chromium.ts';

const MODEL_DIR = process.env.SHELFWISE_MODEL ?? 'models/demo';
const MANIFEST = 'dist/.vite/manifest.json';

// The lazily loaded parts (store, UI, the ranking on the page, the learning worker) are ES
// modules; the worker's backends split into their own chunks. The script tag's loader is built
// second (mode "loader") as one classic IIFE script that knows these chunks' hashed names.
const CHUNKS = { ui: 'src/ui/index.ts', store: 'src/store/index.ts', rank: 'src/rank-on-page/index.ts', worker: 'src/worker/index.ts' };

// Readable chunk names (tfjs-core, tfjs-webgpu, …) so the size report and the network panel say what is what.
const PACKAGES = ['tfjs-core', 'tfjs-backend-webgpu', 'tfjs-backend-webgl', 'tfjs-backend-cpu', 'preact', 'idb'];
function chunkName(chunk: { name: string; moduleIds: string[] }): string {
  const ids = chunk.moduleIds.filter((id) => !id.startsWith('\0'));
  const pkg = PACKAGES.find((p) => ids.length > 0 && ids.every((id) => id.includes(`/${p}/`)));
  return `sw-${pkg ? pkg.replace('-backend', '') : chunk.name}-[hash].js`;
}

// The shipped model goes to dist/model/: model.json (revalidated on every use) and its weights
// under a name that carries their hash, so the file never changes and may be cached for good
// (server/static.ts serves such names as immutable).
function copyModel(): Plugin {
  return {
    name: 'shelfwise-copy-model',
    closeBundle() {
      if (!existsSync(`${MODEL_DIR}/model.json`)) throw new Error(`no model at ${MODEL_DIR}: run "npm run train" first`);
      const json = JSON.parse(readFileSync(`${MODEL_DIR}/model.json`, 'utf8'));
      const group = json.weightsManifest[0];
      const weights = readFileSync(`${MODEL_DIR}/${group.paths[0]}`);
      const sha = createHash('sha256').update(weights).digest('hex');
      if (sha !== json.weightsSha256) throw new Error(`${MODEL_DIR}: the weights do not match model.json's weightsSha256`);
      const file = `weights-${sha.slice(0, 16)}.bin`;
      mkdirSync('dist/model', { recursive: true });
      writeFileSync(`dist/model/${file}`, weights);
      writeFileSync('dist/model/model.json', JSON.stringify({ ...json, weightsManifest: [{ ...group, paths: [file] }] }, null, 1) + '\n');
    },
  };
}

// V8 compiles a function when it is first called, on the main thread, and the code cache a
// script leaves for the next page holds only what was compiled by then. So each page compiled the
// shelf's functions again, inside the time from its candidates to its shelf (12-16 ms of a page's
// main thread here). V8's explicit compile hint (a first-line comment, Chrome 136) compiles every
// function of a file eagerly, off the main thread where it can, and the code cache then keeps
// them. It goes on what runs before the first shelf (the store, UI and ranking entries and what
// they import statically), not on what may never run (TF.js, the worker, the panel). The loader is
// a classic script of which a page runs only a part, and every byte of it is on the 6 KB budget.
const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

type ModuleGraph = { getModuleInfo(id: string): { importedIds: readonly string[] } | null };

/** `roots` and everything reachable from them through `next`. */
function reachable(roots: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    next(id).forEach(visit);
  };
  roots.forEach(visit);
  return seen;
}

/** `roots` and every module they import statically (a dynamic import may never run). */
function staticallyReached(roots: readonly string[], graph: ModuleGraph): Set<string> {
  return reachable(roots, (id) => graph.getModuleInfo(id)?.importedIds ?? []);
}

function compileHints(entries: string[]): Plugin {
  let eager = new Set<string>();
  const roots = entries.map((e) => resolve(e));
  return {
    name: 'shelfwise-compile-hints',
    renderStart() {
      eager = staticallyReached(roots, this);
    },
    // After minification (which drops comments), and before the file names are hashed.
    outputOptions: (options) => ({ ...options, postBanner: (chunk) => (chunk.moduleIds.some((id) => eager.has(id)) ? COMPILE_HINT : '') }),
  };
}

// Vite wraps each dynamic import in a helper that first preloads the imported chunk's
// dependencies and CSS. With modulePreload off and no CSS there is nothing to preload, yet the
// helper (0.9 KB gzip) was a module of its own that every page loaded before its first shelf.
const PRELOAD_HELPER = '\0vite/preload-helper.js';
function noPreloadHelper(): Plugin {
  return {
    name: 'shelfwise-no-preload-helper',
    enforce: 'pre',
    resolveId: (id) => (id === PRELOAD_HELPER ? id : null),
    load: (id) => (id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load();' : null),
  };
}

// With entry signatures allowed to grow (the store's entry carries shared code, below), the bundler
// may host any shared module in an entry's chunk, and importing such a chunk runs its entry's
// top-level code: the worker's `self.onmessage` on the page, or the UI's warm-up render in the
// worker. The build fails if either side reaches the other's entry.
type BundleChunk = { type: string; fileName: string; name?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] };
function entriesApart(): Plugin {
  return {
    name: 'shelfwise-entries-apart',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle as Record<string, BundleChunk>).filter((c) => c.type === 'chunk');
      const entry = (name: keyof typeof CHUNKS) => chunks.find((c) => c.isEntry && c.name === name)!.fileName;
      const byFile = new Map(chunks.map((c) => [c.fileName, c]));
      const reach = (from: string[]) => reachable(from, (file) => [...(byFile.get(file)?.imports ?? []), ...(byFile.get(file)?.dynamicImports ?? [])]);
      const page = reach([entry('store'), entry('ui'), entry('rank')]);
      const worker = reach([entry('worker')]);
      if (page.has(entry('worker'))) this.error(`the page's chunks import the worker's entry (${entry('worker')})`);
      for (const name of ['ui', 'rank'] as const) if (worker.has(entry(name))) this.error(`the worker's chunks import the ${name} entry (${entry(name)})`);
    },
  };
}

function chunkNames(): Record<keyof typeof CHUNKS, string> {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string }>;
  const out = {} as Record<keyof typeof CHUNKS, string>;
  for (const [name, src] of Object.entries(CHUNKS)) out[name as keyof typeof CHUNKS] = manifest[src].file;
  return out;
}

// What the store, UI and ranking entries import statically goes into one chunk, and that chunk is
// the store's entry itself. Split the way the bundler shares modules, they were seven small files in
// up to three waves (an entry, then its imports, then theirs): each wave a round trip on a first
// visit, and each file a task on a busy main thread. As a chunk of its own beside the entries, it
// still came a wave after the store's entry that imports it, though the loader asks for that entry
// first (a trace here: Blink asked for it 16-67 ms after the entry had arrived). So the store's
// entry carries it (its exports extended for the other two entries, `allow-extension`), and the
// UI's and the ranking's entries stay small files of their own: an entry's top-level code, such as
// the UI's warm-up, must not run in the worker, which imports the store's code too.
function beforeShelf(entries: string[], host: string) {
  const roots = entries.map((e) => resolve(e));
  const hostId = resolve(host);
  // Walked again for each module asked about (a few hundred steps): a rebuild's graph is its own.
  return (id: string, graph: ModuleGraph) => (staticallyReached(roots, graph).has(id) && (id === hostId || !roots.includes(id)) ? 'page' : null);
}

const chunksBuild = {
  publicDir: false as const,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    modulePreload: false,
    rollupOptions: {
      input: CHUNKS,
      // The store's entry carries the code the other two share (beforeShelf); entriesApart checks
      // that no other entry's top-level code comes along where it must not run.
      preserveEntrySignatures: 'allow-extension' as const,
      output: {
        // The loader carries the entries' names: 6 hash characters (36 bits) tell a chunk's versions
        // apart as well as 8, for 8 fewer bytes of random text on the loader's budget.
        entryFileNames: 'sw-[name]-[hash:6].js',
        chunkFileNames: chunkName,
        format: 'es' as const,
        codeSplitting: { groups: [{ name: beforeShelf([CHUNKS.store, CHUNKS.ui, CHUNKS.rank], CHUNKS.store), debugName: 'page' }] },
      },
    },
  },
  // The co-occurrence prior is imported only for a model that carries one, and then before its shelf.
  plugins: [noPreloadHelper(), copyModel(), entriesApart(), compileHints([CHUNKS.store, CHUNKS.ui, CHUNKS.rank, 'src/model/plain/co-occurrence.ts'])],
};

const loaderBuild = () => ({
  publicDir: false as const,
  define: { __SHELFWISE_CHUNKS__: JSON.stringify(chunkNames()) },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2020',
    lib: { entry: 'src/loader/index.ts', formats: ['iife' as const], name: 'shelfwiseLoader', fileName: () => 'shelfwise.js' },
  },
});

// Test lanes, by file name:
//   *.test.ts          unit: logic in Node, temporary files at most. No sockets, child processes,
//                      databases, WASM or browsers; the whole lane stays under 30 s.
//   *.int.test.ts      integration, in Node: HTTP servers, CLIs on fixtures, SQLite, the WASM model suite.
//   *.browser.test.ts  browser: real Chromium (IndexedDB, layout, the model on WebGPU, WebGL and CPU).
const NODE_TESTS = '{src,server,tools}/**/';
// tfjs ships extension-less ESM that Node cannot import; let Vite resolve it.
const inlineTfjs = { deps: { inline: [/@tensorflow/] } };

export default defineConfig(({ mode }) => ({
  ...(mode === 'loader' ? loaderBuild() : chunksBuild),
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: [`${NODE_TESTS}*.test.ts`],
          exclude: ['**/*.int.test.ts', '**/*.browser.test.*', 'node_modules/**'],
          server: inlineTfjs,
          // Unit files share worker threads and one module graph, which makes the lane about three
          // times faster. So a unit test leaves nothing behind: globals it stubs with
          // vi.stubGlobal are restored after each test, fake timers are put back, and a test that
          // needs vi.mock belongs in *.int.test.ts.
          pool: 'threads',
          isolate: false,
          unstubGlobals: true,
          unstubEnvs: true,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: [`${NODE_TESTS}*.int.test.ts`],
          exclude: ['node_modules/**'],
          server: inlineTfjs,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.{ts,tsx}'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
}));
