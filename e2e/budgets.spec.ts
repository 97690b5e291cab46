// Size budgets (issue: "Budgets"), measured on what a WebGPU-capable browser really downloads on
// a first visit, gzip level 9 per file as a CDN would serve it. The figures are printed and
// written to test-results/budgets.json for the README.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test, type Response } from '@playwright/test';
import { backendChunks } from './support/chunks';
import { waitForStored } from './support/storage';
import { debugNow, slotStatus } from './support/widget';

const KB = 1024;
const BUDGET = { firstVisitJs: 170 * KB, loader: 6 * KB, modelWeights: 300 * KB };
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const LOADER = path.join(DIST, 'shelfwise.js');
const REPORT = fileURLToPath(new URL('../test-results/budgets.json', import.meta.url));

const gzip = (body: Buffer) => gzipSync(body, { level: 9 }).length;
const kb = (bytes: number) => Math.round((bytes / KB) * 10) / 10;

function isJavaScript(res: Response): boolean {
  const type = res.request().resourceType();
  return type === 'script' || type === 'worker' || /javascript/.test(res.headers()['content-type'] ?? '');
}

test('first visit downloads stay within the JavaScript, loader and model budgets', async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name !== 'webgpu', 'the budget is defined for a WebGPU-capable browser');
  // First response per URL: a later page revalidates (304, no body) what the first one downloaded.
  // Bodies are read as they arrive; even so, one fetched by a worker that a navigation ended may
  // be gone (null), and is then read from dist/, which the server sends byte for byte.
  const responses = new Map<string, { res: Response; body: Promise<Buffer | null> }>();
  context.on('response', (res) => {
    if (res.status() !== 200 || responses.has(res.url())) return;
    responses.set(res.url(), { res, body: res.body().catch(() => null) });
  });

  // A first visit that does everything the widget can: history, the worker, the model, a ranking.
  await page.goto('/p/SKU-1045');
  await waitForStored(page, 'view_item', 'SKU-1045');
  await page.locator('a.logo').click();
  await slotStatus(page, 'for-you');
  expect((await debugNow(page)).backend).toBe('webgpu');

  const js: Record<string, { bytes: number; gzip: number }> = {};
  const model: Record<string, { bytes: number; gzip: number }> = {};
  for (const [url, { res, body }] of responses) {
    const file = new URL(url).pathname;
    // The model comes from the shipped files or, with data-sync, from the newest federated version.
    const into = isJavaScript(res) ? js : file.startsWith('/model/') || file.startsWith('/api/fl/models/') ? model : null;
    if (!into) continue;
    const bytes = (await body) ?? (file.startsWith('/api/') ? await (await page.request.get(url)).body() : readFileSync(path.join(DIST, file)));
    into[file] = { bytes: bytes.length, gzip: gzip(bytes) };
  }
  const jsGzip = Object.values(js).reduce((s, f) => s + f.gzip, 0);
  const loaderGzip = gzip(readFileSync(LOADER));
  const weightFiles = Object.entries(model).filter(([file]) => !file.endsWith('.json'));
  const weightBytes = weightFiles.reduce((s, [, f]) => s + f.bytes, 0);

  const report = {
    measured: new Date().toISOString(),
    firstVisitJsGzipKB: kb(jsGzip),
    loaderGzipKB: kb(loaderGzip),
    modelWeightsKB: kb(weightBytes),
    budgetsKB: { firstVisitJs: 170, loader: 6, modelWeights: 300 },
    jsFiles: Object.fromEntries(Object.entries(js).map(([p, f]) => [p, { kb: kb(f.bytes), gzipKB: kb(f.gzip) }])),
    modelFiles: Object.fromEntries(Object.entries(model).map(([p, f]) => [p, { kb: kb(f.bytes), gzipKB: kb(f.gzip) }])),
  };
  mkdirSync(path.dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, JSON.stringify(report, null, 2) + '\n');
  console.log(
    `Budgets: first-visit JS ${report.firstVisitJsGzipKB} KB gzip (≤ 170), loader ${report.loaderGzipKB} KB gzip (≤ 6), ` +
      `model weights ${report.modelWeightsKB} KB (≤ 300)\n` +
      Object.entries(report.jsFiles).map(([p, f]) => `  ${p}: ${f.kb} KB, ${f.gzipKB} KB gzip`).join('\n'),
  );

  // The whole path really ran: loader, store, UI, worker, TF.js core and the WebGPU backend.
  const chunks = backendChunks();
  expect(Object.keys(js)).toEqual(expect.arrayContaining(['/shelfwise.js', `/${chunks.webgpu}`]));
  expect(Object.keys(js).length).toBeGreaterThan(4);
  expect(Object.keys(js), 'the WebGL and CPU backends are fallbacks, not downloaded').not.toContain(`/${chunks.webgl}`);
  expect(Object.keys(js)).not.toContain(`/${chunks.cpu}`);
  expect(weightFiles.length).toBeGreaterThan(0);

  expect(jsGzip).toBeLessThanOrEqual(BUDGET.firstVisitJs);
  expect(loaderGzip).toBeLessThanOrEqual(BUDGET.loader);
  expect(weightBytes).toBeLessThanOrEqual(BUDGET.modelWeights);
});
