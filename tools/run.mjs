#!/usr/bin/env node
// Runs a TypeScript tool (tools/<name>.ts, or a path) in Node. The tools share the browser's model
// module, and TF.js publishes extension-less ES modules that Node's own loader cannot resolve, so
// each tool is bundled with esbuild first (a fraction of a second) and the bundle is run.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
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
const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [entry],
  outfile,
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
process.argv = [process.argv[0], entry, ...args];
process.setSourceMapsEnabled(true);
await import(pathToFileURL(outfile).href);
