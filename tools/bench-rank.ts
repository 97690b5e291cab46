// npm run bench:rank -- [--json <out.json>] [--calls 200] [--candidates 100] [--no-browser]
// Time per call of ranking a shelf for a shopper with a full window of history, the demo model
// and a Beauty-size one, through the TF.js-free ranker and through TF.js: in Node on CPU and WASM,
// in Chromium (Debian's, headless, WebGPU on) on WebGPU, WebGL and CPU. Also the ranker's cost on
// a fresh page's main thread (50 candidates, demo model; 100, Beauty-size), every call its own
// task, in a fresh page, with and without ranker.warm() first. Medians and p95 after warm-up; a
// ratio in one run, not a pass/fail test.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from '../e2e/chromium';
import { numberFlag, parseFlags, positiveInt, stringFlag } from './lib/args';
import { readArtifact } from './lib/artifact-io';
import { useBackend } from './lib/backend';
import { benchCases, initialArrays, plainRows, relativeGap, timeTfjs, type BenchModel, type MainThreadProbe, type BenchRow } from './lib/bench-rank-work';
import type { TimingOptions } from './lib/bench-timing';
import { BEAUTY_CONFIG } from '../src/model/testing/rank-cases';

const USAGE = 'usage: npm run bench:rank -- [--json <out.json>] [--calls 200] [--candidates 100] [--no-browser]';
const ROOT = resolve(dirname(process.argv[1]), '..');
const MODELS = ['demo', 'beauty'];
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'cpu'];

interface Row extends BenchRow {
  env: string;
}

async function nodeModels(): Promise<BenchModel[]> {
  await useBackend('cpu');
  const demo = await readArtifact(join(ROOT, 'models/demo'));
  return [
    { name: 'demo', cfg: demo.json.config, arrays: demo.weights },
    { name: 'beauty', cfg: BEAUTY_CONFIG, arrays: await initialArrays(BEAUTY_CONFIG) },
  ];
}

async function nodeRows(candidates: number, plainOpts: TimingOptions, tfOpts: TimingOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const m of await nodeModels()) {
    const cases = benchCases(m.cfg, candidates);
    rows.push(...(await plainRows(m, cases, plainOpts)).map((r) => ({ env: 'node', ...r })));
    for (const backend of ['cpu', 'wasm'] as const) {
      if ((await useBackend(backend)) !== backend) {
        rows.push({ env: 'node', model: m.name, path: `tfjs-${backend}`, error: 'backend not available' });
        continue;
      }
      rows.push({ env: 'node', model: m.name, path: `tfjs-${backend}`, timing: await timeTfjs(m, cases, tfOpts), gap: await relativeGap(m, cases) });
    }
  }
  return rows;
}

/** The page bundle and the demo model, over http://localhost (WebGPU needs a secure context);
 *  cross-origin isolated so performance.now() is fine-grained. */
async function serve(): Promise<{ server: Server; url: string }> {
  const bundle = await build({ entryPoints: [join(ROOT, 'src/model/testing/rank-bench-page.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, minify: true, logLevel: 'warning' });
  const js = bundle.outputFiles[0].contents;
  const html = '<!doctype html><meta charset="utf-8"><title>rank bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    const send = (type: string, body: string | Uint8Array) => {
      res.writeHead(200, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    if (path === '/') return send('text/html', html);
    if (path === '/bench.js') return send('text/javascript', js);
    const file = normalize(path).replace(/^\/+/, '');
    if (file.startsWith('models/demo/')) {
      try {
        return send(file.endsWith('.json') ? 'application/json' : 'application/octet-stream', readFileSync(join(ROOT, file)));
      } catch {
        /* falls through to 404 */
      }
    }
    res.writeHead(404, headers).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://localhost:${port}/` };
}

type Bench = {
  compare(names: string[], backends: string[], candidates: number, plainOpts: TimingOptions, tfOpts: TimingOptions): Promise<BenchRow[]>;
  mainThread(name: string, candidates: number, calls: number, warm: boolean): Promise<MainThreadProbe>;
  adapter(): Promise<Record<string, unknown> | null>;
  crossOriginIsolated(): boolean;
};

async function chromiumRun(candidates: number, plainOpts: TimingOptions, tfOpts: TimingOptions) {
  const { server, url } = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS], headless: true });
  try {
    // Each phase in a fresh page: the main-thread probes must find the ranker's code never run.
    const fresh = async () => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`page: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => 'shelfwiseBench' in globalThis);
      return page;
    };
    const inPage = async <T, A>(fn: (arg: A) => Promise<T> | T, arg: A): Promise<T> => {
      const page = await fresh();
      try {
        return (await page.evaluate(fn as (arg: unknown) => Promise<T>, arg)) as T;
      } finally {
        await page.close();
      }
    };
    // Serialized into the page: no closures, only the page's own global.
    const mainThread: MainThreadProbe[] = [];
    for (const probe of [['demo', 50, false], ['demo', 50, true], ['beauty', candidates, false], ['beauty', candidates, true]] as const) {
      mainThread.push(await inPage(([name, n, warm]) => (globalThis as unknown as { shelfwiseBench: Bench }).shelfwiseBench.mainThread(name, n, 30, warm), probe));
    }
    const adapter = await inPage(() => (globalThis as unknown as { shelfwiseBench: Bench }).shelfwiseBench.adapter(), null);
    const isolated = await inPage(() => (globalThis as unknown as { shelfwiseBench: Bench }).shelfwiseBench.crossOriginIsolated(), null);
    const rows = await inPage((a) => (globalThis as unknown as { shelfwiseBench: Bench }).shelfwiseBench.compare(...a), [MODELS, BROWSER_BACKENDS, candidates, plainOpts, tfOpts] as Parameters<Bench['compare']>);
    return { version: browser.version(), adapter, crossOriginIsolated: isolated, rows: rows.map((r): Row => ({ env: 'chromium', ...r })), mainThread };
  } finally {
    await browser.close();
    server.close();
  }
}

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : v < 10 ? v.toFixed(3) : v.toFixed(1));

function printRows(rows: Row[]) {
  const plain = new Map(rows.filter((r) => r.path === 'plain').map((r) => [`${r.env}/${r.model}`, r.timing!.median]));
  console.table(
    rows.map((r) => ({
      env: r.env,
      model: r.model,
      path: r.path,
      'first ms': ms(r.timing?.first),
      'median ms': ms(r.timing?.median),
      'p95 ms': ms(r.timing?.p95),
      calls: r.timing?.calls ?? '',
      'x plain (median)': r.timing && r.path !== 'plain' ? (r.timing.median / plain.get(`${r.env}/${r.model}`)!).toFixed(1) : '',
      'max rel. gap': r.gap === undefined ? '' : r.gap.toExponential(1),
      error: r.error ?? '',
    })),
  );
}

function printProbes(probes: MainThreadProbe[]) {
  console.table(
    probes.map((p) => ({
      model: p.model,
      candidates: p.candidates,
      'build ms': ms(p.buildMs),
      'warm() ms': ms(p.warmMs),
      'first calls ms': p.firstCalls.map(ms).join(' '),
      'median ms': ms(p.calls.median),
      'p95 ms': ms(p.calls.p95),
      'max ms': ms(p.calls.max),
      'long tasks ms': p.longTasks.map(ms).join(' '),
    })),
  );
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), ['json', 'calls', 'candidates', 'no-browser', 'help']);
  if (flags.help) return console.log(USAGE);
  const calls = numberFlag(flags, 'calls', 200, positiveInt);
  const candidates = numberFlag(flags, 'candidates', 100, positiveInt);
  const plainOpts: TimingOptions = { warmup: 100, calls: calls * 5, budgetMs: 5_000 };
  const tfOpts: TimingOptions = { warmup: 10, calls, budgetMs: 15_000 };
  const load = [loadavg()[0]];
  console.log(`ranking ${candidates} candidates; ${cpus().length} CPUs, load ${load[0].toFixed(2)}`);
  const node = await nodeRows(candidates, plainOpts, tfOpts);
  printRows(node);
  const browser = flags['no-browser'] ? null : await chromiumRun(candidates, plainOpts, tfOpts);
  if (browser) {
    console.log(`Chromium ${browser.version}; WebGPU adapter ${JSON.stringify(browser.adapter)}; crossOriginIsolated ${browser.crossOriginIsolated}`);
    printRows(browser.rows);
    console.log('The ranker on the main thread of a fresh page (every call its own task):');
    printProbes(browser.mainThread);
  }
  load.push(loadavg()[0]);
  console.log(`load average (1 min) at start ${load[0].toFixed(2)}, at end ${load[1].toFixed(2)}`);
  const json = stringFlag(flags, 'json');
  if (json) {
    writeFileSync(resolve(json), JSON.stringify({ candidates, cpus: cpus().length, load, node, chromium: browser }, null, 2) + '\n');
    console.log(`wrote ${resolve(json)}`);
  }
}

main().catch((err) => {
  console.error(`bench:rank: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
