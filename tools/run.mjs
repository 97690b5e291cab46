#!/usr/bin/env node
// Runs a TypeScript tool (tools/<name>.ts, or a path) in Node. The tools share the browser's model
// module, and TF.js publishes extension-less ES modules that Node's own loader cannot resolve, so
// each tool is bundled with esbuild first (a fraction of a second) and the bundle is run.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node tools/run.mjs <tool|path.ts> [args...]');
  process.exit(2);
}
const entry = name.endsWith('.ts') ? resolve(name) : join(root, 'tools', `${name}.ts`);
const outDir = join(root, 'node_modules', '.cache', 'shelfwise-tools');
const tool = basename(entry, '.ts');
mkdirSync(outDir, { recursive: true });

const { outputFiles } = await build({
  entryPoints: [entry],
  outfile: join(outDir, `${tool}.mjs`),
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The ES-module builds of TF.js (the ones the browser bundle uses) rather than its CommonJS mains.
  mainFields: ['module', 'main'],
  packages: 'bundle',
  external: ['better-sqlite3', 'pg', 'playwright-core', 'esbuild'],
  sourcemap: 'inline',
  logLevel: 'warning',
  banner: {
    js: [
      "import { createRequire as __cr } from 'node:module';",
      "import { fileURLToPath as __fu } from 'node:url';",
      "import { dirname as __dn } from 'node:path';",
      'const require = __cr(import.meta.url);',
      'const __filename = __fu(import.meta.url);',
      'const __dirname = __dn(__filename);',
    ].join(' '),
  },
});
// Named by content and written whole, then renamed into place: tools run side by side (the test
// suite runs several at once), and a process, or a worker thread it starts from its own file, must
// never read a bundle that another process is still writing.
const code = outputFiles[0].contents;
const outfile = join(outDir, `${tool}-${createHash('sha256').update(code).digest('hex').slice(0, 12)}.mjs`);
if (!existsSync(outfile)) {
  const partial = `${outfile}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, outfile);
}
pruneOlderBundles(tool, outfile);
process.argv = [process.argv[0], entry, ...args];
process.setSourceMapsEnabled(true);
await import(pathToFileURL(outfile).href);

/** Drops this tool's bundles from earlier sources, once no run is likely to be using them. */
function pruneOlderBundles(tool, keep) {
  const dayAgo = Date.now() - 86_400_000;
  for (const file of readdirSync(outDir)) {
    const path = join(outDir, file);
    if (path === keep || file.match(/^(.+)-[0-9a-f]{12}\.mjs$/)?.[1] !== tool) continue;
    try {
      if (statSync(path).mtimeMs < dayAgo) unlinkSync(path);
    } catch {
      // Another run pruned it first.
    }
  }
}
