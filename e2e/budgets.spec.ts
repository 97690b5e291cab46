// Size budgets, measured on what a WebGPU-capable browser really downloads on a first visit, gzip
// level 9 per file as a CDN would serve it: the JavaScript before the first personalized shelf
// (loader, store, UI, the ranking on the page), everything a first visit downloads once the
// device has learnt in idle time (TF.js and its WebGPU backend included), the loader alone, and the
// model's weights. The figures are printed and written to test-results/budgets.json for the README.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test, type Page, type Response } from '@playwright/test';
import { backendChunks, learningChunks } from './support/chunks';
import { waitForStored } from './support/storage';
import { debug, slotStatus } from './support/widget';

const KB = 1024;
const BUDGET = { beforeShelfJs: 35 * KB, firstVisitJs: 170 * KB, loader: 6 * KB, modelWeights: 300 * KB };
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const LOADER = path.join(DIST, 'shelfwise.js');
const REPORT = fileURLToPath(new URL('../test-results/budgets.json', import.meta.url));
// WebGPU named, so that learning runs on it even where the adapter is software (SwiftShader here):
// the largest backend is the one measured.
const BACKENDS = 'sw-backends=webgpu,webgl,cpu';

const gzip = (body: Buffer) => gzipSync(body, { level: 9 }).length;
const kb = (bytes: number) => Math.round((bytes / KB) * 10) / 10;

function isJavaScript(res: Response): boolean {
  const type = res.request().resourceType();
  return type === 'script' || type === 'worker' || /javascript/.test(res.headers()['content-type'] ?? '');
}

/** When (epoch ms) the page's first shelf ordered by the model was on screen. */
async function firstModelShelfAt(page: Page): Promise<number> {
  let at = NaN;
  await expect
    .poll(
      async () =>
        (at = await page.evaluate(() => {
          const shelf = performance.getEntriesByName('shelfwise:shelf').find((e) => ((e as PerformanceMeasure).detail as { source: string }).source === 'model');
          return shelf ? performance.timeOrigin + shelf.startTime + shelf.duration : NaN;
        })),
      { message: 'a shelf from the model is measured' },
    )
    .not.toBeNaN();
  return at;
}

test('first visit downloads stay within the JavaScript, loader and model budgets', async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name !== 'webgpu', 'the budget is defined for a WebGPU-capable browser');
  test.setTimeout(120_000);
  // First response per URL: a later page revalidates (304, no body) what the first one downloaded.
  // Bodies are read as they arrive; even so, one fetched by a worker that a navigation ended may
  // be gone (null), and is then read from dist/, which the server sends byte for byte.
  const responses = new Map<string, { res: Response; body: Promise<Buffer | null>; at: number }>();
  context.on('response', (res) => {
    if (res.status() !== 200 || responses.has(res.url())) return;
    responses.set(res.url(), { res, body: res.body().catch(() => null), at: Date.now() });
  });

  // A first visit: a first interest event, then the next page's shelves are personalized.
  await page.goto(`/p/SKU-1045?${BACKENDS}`);
  await waitForStored(page, 'view_item', 'SKU-1045');
  await page.goto(`/p/SKU-1043?${BACKENDS}`);
  expect((await slotStatus(page, 'related')).source).toBe('model');
  const shelfAt = await firstModelShelfAt(page);
  // Then enough history for the device to take part in the federated round: in idle time, the
  // learning worker loads TF.js and a backend.
  await waitForStored(page, 'view_item', 'SKU-1043');
  await page.goto(`/p/SKU-1101?${BACKENDS}`);
  await waitForStored(page, 'view_item', 'SKU-1101');
  await page.locator('a.logo').click();
  await slotStatus(page, 'for-you');
  await expect.poll(async () => (await debug(page))?.backend, { message: 'the device learns on WebGPU', timeout: 60_000 }).toBe('webgpu');
  // Its update sent (or refused): everything the contribution needed has been downloaded.
  await expect.poll(async () => (await debug(page))?.contribution.outcome, { message: 'the contribution has ended', timeout: 60_000 }).toBeTruthy();

  const js: Record<string, { bytes: number; gzip: number; beforeShelf: boolean }> = {};
  const model: Record<string, { bytes: number; gzip: number }> = {};
  for (const [url, { res, body, at }] of responses) {
    const file = new URL(url).pathname;
    // The model comes from the shipped files or, with data-sync, from the newest federated version.
    const isModel = file.startsWith('/model/') || file.startsWith('/api/fl/models/');
    if (!isJavaScript(res) && !isModel) continue;
    const bytes = (await body) ?? (file.startsWith('/api/') ? await (await page.request.get(url)).body() : readFileSync(path.join(DIST, file)));
    if (isModel) model[file] = { bytes: bytes.length, gzip: gzip(bytes) };
    else js[file] = { bytes: bytes.length, gzip: gzip(bytes), beforeShelf: at <= shelfAt };
  }
  const sum = (files: { gzip: number }[]) => files.reduce((s, f) => s + f.gzip, 0);
  const jsGzip = sum(Object.values(js));
  const beforeShelf = Object.entries(js).filter(([, f]) => f.beforeShelf);
  const beforeShelfGzip = sum(beforeShelf.map(([, f]) => f));
  const loaderGzip = gzip(readFileSync(LOADER));
  const weightFiles = Object.entries(model).filter(([file]) => !file.endsWith('.json'));
  const weightBytes = weightFiles.reduce((s, [, f]) => s + f.bytes, 0);

  const report = {
    measured: new Date().toISOString(),
    beforeFirstShelfJsGzipKB: kb(beforeShelfGzip),
    firstVisitJsGzipKB: kb(jsGzip),
    loaderGzipKB: kb(loaderGzip),
    modelWeightsKB: kb(weightBytes),
    budgetsKB: { beforeFirstShelfJs: 35, firstVisitJs: 170, loader: 6, modelWeights: 300 },
    jsFiles: Object.fromEntries(Object.entries(js).map(([p, f]) => [p, { kb: kb(f.bytes), gzipKB: kb(f.gzip), beforeFirstShelf: f.beforeShelf }])),
    modelFiles: Object.fromEntries(Object.entries(model).map(([p, f]) => [p, { kb: kb(f.bytes), gzipKB: kb(f.gzip) }])),
  };
  mkdirSync(path.dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, JSON.stringify(report, null, 2) + '\n');
  console.log(
    `Budgets: JS before the first personalized shelf ${report.beforeFirstShelfJsGzipKB} KB gzip (≤ 35), first-visit JS ${report.firstVisitJsGzipKB} KB gzip (≤ 170), ` +
      `loader ${report.loaderGzipKB} KB gzip (≤ 6), model weights ${report.modelWeightsKB} KB (≤ 300)\n` +
      Object.entries(report.jsFiles).map(([p, f]) => `  ${f.beforeFirstShelf ? 'before' : 'after '} ${p}: ${f.kb} KB, ${f.gzipKB} KB gzip`).join('\n'),
  );

  // The whole path really ran: before the shelf the loader and the ranking without TF.js; after
  // it, the worker with TF.js core and the WebGPU backend, and no other backend.
  const chunks = backendChunks();
  const learning = learningChunks();
  expect(beforeShelf.map(([file]) => file)).toContain('/shelfwise.js');
  expect(beforeShelf.filter(([file]) => learning.includes(file.slice(1))).map(([file]) => file), 'TF.js before the first personalized shelf').toEqual([]);
  expect(Object.keys(js)).toContain(`/${chunks.webgpu}`);
  expect(Object.keys(js), 'the WebGL and CPU backends are fallbacks, not downloaded').not.toContain(`/${chunks.webgl}`);
  expect(Object.keys(js)).not.toContain(`/${chunks.cpu}`);
  expect(weightFiles.length).toBeGreaterThan(0);
  // V8's compile hint (vite.config.ts) on the chunks that run before the shelf (not the loader; a
  // bare re-export of a few bytes has nothing to compile), and on none of the learning code.
  const hinted = (file: string) => readFileSync(path.join(DIST, file), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n');
  const lazy = beforeShelf.filter(([file, f]) => file !== '/shelfwise.js' && f.bytes > 200 && !hinted(file));
  expect(lazy.map(([file]) => file), 'chunks run before the shelf, compiled lazily').toEqual([]);
  expect(learning.filter((file) => hinted(file)), 'learning code compiled eagerly').toEqual([]);

  expect(beforeShelfGzip).toBeLessThanOrEqual(BUDGET.beforeShelfJs);
  expect(jsGzip).toBeLessThanOrEqual(BUDGET.firstVisitJs);
  expect(loaderGzip).toBeLessThanOrEqual(BUDGET.loader);
  expect(weightBytes).toBeLessThanOrEqual(BUDGET.modelWeights);
});
