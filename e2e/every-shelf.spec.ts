// Personalized at first paint: after a shopper's first interest event, every shelf on the next ten
// pages (category, product, cart, home) is ordered by the model with the default rank budget.
// Ranking runs on the page without TF.js, from the model the store's pointer names (it keeps
// model.json and the weights). The same run measures, as a benchmark rather than a pass/fail check (a shared
// machine's load moves it several-fold), the time from each shelf's candidates to the shelf on
// screen, per kind of page (the bar: 50 ms at p95), and the widget's main-thread tasks over 50 ms;
// the figures go to test-results/shelf-latency-<project>[-remote|-server-order].json and the console
// (npm run bench:shelves).
//
// "The candidates' arrival" is the last byte of the candidate endpoint's answer (Resource Timing's
// responseEnd). The widget's own measure starts later, when its code has the parsed answer in
// hand: the browser hands the answer to a page that is still loading, 5-87 ms later here, and the
// shopper waits for that too. Both are reported. The demo's server answers from this machine within
// a few milliseconds, before the widget has loaded its parts; a second run puts the endpoint 150 ms
// away (an answer over the internet), where the widget is ready when the candidates come. A third
// run browses the same pages with Global Privacy Control on: the same widget shows the server's
// order without opening the store or loading the model, so the difference between the first run and
// this one is what personalization costs, and this one is what the page and the widget's UI cost
// without it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { traceWidget, type WidgetTask } from './support/main-thread';
import { installProbe } from './support/probe';
import { watchShelves } from './support/shelves-shown';
import { readObjectStore, waitForStored } from './support/storage';
import { MODEL_KEY } from '../src/shared/storage-keys';
import { debug } from './support/widget';
import type { SlotStatus } from '../src/loader/slot';

type Kind = 'category' | 'product' | 'cart' | 'home';

// Ten pages of each kind, product pages adding to the cart so the cart page has its shelf.
const VISITS: [Kind, string][] = [
  ['category', '/c/outdoor'],
  ['product', '/p/SKU-1101'],
  ['cart', '/cart'],
  ['home', '/'],
  ['category', '/c/shoes'],
  ['product', '/p/SKU-1043'],
  ['home', '/'],
  ['cart', '/cart'],
  ['category', '/c/tents'],
  ['product', '/p/SKU-1200'],
];

const BUDGET_MS = 50;
/** How far away the second run puts the candidate endpoint. */
const REMOTE_MS = 150;
const REPORT = (project: string) => fileURLToPath(new URL(`../test-results/shelf-latency-${project}.json`, import.meta.url));

interface Shown {
  slot: string;
  source: string;
  /** The last byte of the candidates' answer to the frame after the shelf was rendered. */
  ms: number;
  /** The widget's own measure: from its having the parsed candidates to the same frame. */
  widgetMs: number;
  /** The part of `ms` until the shelf's order was known (the widget's start on the page, its
   *  store reads and the ranking); the rest is the render and the frame. */
  ordered: number;
  /** When the candidates' last byte came (performance.now() time). */
  start: number;
  /** The page's main thread's CPU time over that span (filled in from the trace). */
  cpuMs?: number;
}

/** Waits for every slot on the page to be shown and its measure to be taken; returns both. */
async function shelves(page: Page): Promise<{ statuses: SlotStatus[]; shown: Shown[] }> {
  const slots = await page.locator('[data-shelfwise-slot]').count();
  let statuses: SlotStatus[] = [];
  await expect.poll(async () => (statuses = (await debug(page))?.slots ?? []).length, { message: `the ${slots} shelves are shown`, timeout: 30_000 }).toBe(slots);
  let shown: Shown[] = [];
  await expect
    .poll(
      async () =>
        (shown = await page.evaluate(() => {
          const answers = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/candidates?')) as PerformanceResourceTiming[];
          return performance.getEntriesByName('shelfwise:shelf').map((e) => {
            const { slot, source, ordered } = (e as PerformanceMeasure).detail as { slot: string; source: string; ordered: number };
            const answer = answers.find((r) => new URL(r.name).searchParams.get('slot') === slot);
            const start = answer ? answer.responseEnd : e.startTime;
            const end = e.startTime + e.duration;
            return { slot, source, ordered: e.startTime + ordered - start, ms: end - start, widgetMs: e.duration, start };
          });
        })).length,
      { message: 'every shelf is measured' },
    )
    .toBe(slots);
  return { statuses, shown };
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

for (const remote of [false, true]) {
  const where = remote ? `, the candidate endpoint ${REMOTE_MS} ms away` : '';
  test(`after a first interest event, every shelf of ten pages comes from the model (and how fast it shows${where})`, async ({ page, browser }, testInfo) => {
    if (remote) await page.route('**/api/candidates?**', async (route) => {
      const response = await route.fetch();
      await new Promise((r) => setTimeout(r, REMOTE_MS));
      await route.fulfill({ response });
    });
    await browse(page, browser, `${testInfo.project.name}${remote ? '-remote' : ''}`, 'model');
  });
}

test('the same ten pages with Global Privacy Control on: every shelf in the server order (how fast it shows, for comparison)', async ({ page, browser }, testInfo) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }));
  await browse(page, browser, `${testInfo.project.name}-server-order`, 'server');
});

/** `source`: what every shelf must be ordered by: 'model', or 'server' where personalization is off
 *  (nothing is stored then, so the test waits for the page instead of the store). */
async function browse(page: Page, browser: Browser, name: string, source: 'model' | 'server') {
  test.setTimeout(180_000);
  await installProbe(page);
  const shelvesShown = await watchShelves(page);
  const firstShown = source === 'server' ? shelvesShown.next() : null;
  await page.goto('/p/SKU-1045');
  await (firstShown ?? waitForStored(page, 'view_item', 'SKU-1045'));
  // The shopper reads the first page for a moment: long enough for the widget to put the model on
  // the device in idle time after the interest event (0.4-0.9 s after the page's load here). A
  // shopper gone sooner has the next page fetch it, still ranking from the model (backend.spec.ts
  // checks that page; README, "Model delivery", has its time).
  if (source === 'model') await expect.poll(() => readObjectStore<string>(page, 'state', 'getAllKeys'), { message: 'the model is on the device' }).toContain(MODEL_KEY);

  const samples: (Shown & { kind: Kind; path: string })[] = [];
  const statuses: (SlotStatus & { path: string })[] = [];
  const tasks: (WidgetTask & { path: string })[] = [];
  for (const [kind, path] of VISITS) {
    let shown: Shown[] = [];
    const trace = await traceWidget(browser, page, async () => {
      // Nothing of the test's runs on the page until its shelves are measured (shelves-shown.ts).
      const allShown = shelvesShown.next();
      await page.goto(path);
      await allShown;
      const seen = await shelves(page);
      statuses.push(...seen.statuses.map((s) => ({ ...s, path })));
      shown = seen.shown;
      // Two frames on, the shelves' frames have been reported.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    });
    samples.push(...shown.map((s) => ({ ...s, cpuMs: Math.round(trace.mainThreadCpu(s.start, s.start + s.ms) * 10) / 10, kind, path })));
    tasks.push(...trace.tasks.map((t) => ({ path, ...t })));
    if (kind === 'product') {
      await page.locator('#add-to-cart').click();
      if (source === 'model') await waitForStored(page, 'add_to_cart');
      else await expect(page.locator('#product-status')).toHaveText('Added to your cart.');
    }
  }

  const kinds = [...new Set(VISITS.map(([k]) => k))];
  const byKind = Object.fromEntries(
    kinds.map((kind) => {
      const of = samples.filter((s) => s.kind === kind);
      const ms = of.map((s) => s.ms);
      const cpu = of.map((s) => s.cpuMs ?? NaN);
      const widget = of.map((s) => s.widgetMs);
      const r = (v: number) => Math.round(v * 10) / 10;
      const split = { orderedP50: r(percentile(of.map((s) => s.ordered), 50)), shownP50: r(percentile(of.map((s) => s.ms - s.ordered), 50)) };
      return [kind, { shelves: ms.length, p50: r(percentile(ms, 50)), p95: r(percentile(ms, 95)), max: r(Math.max(...ms)), ...split, widgetP50: r(percentile(widget, 50)), widgetP95: r(percentile(widget, 95)), cpuP50: r(percentile(cpu, 50)), cpuP95: r(percentile(cpu, 95)) }];
    }),
  );
  const info = await debug(page);
  const report = { measured: new Date().toISOString(), project: name, loadAverage: loadavg()[0], budgetMs: BUDGET_MS, byKind, timings: info?.timings, samples, widgetTasksOver50msFrames: tasks };
  mkdirSync(path.dirname(REPORT(name)), { recursive: true });
  writeFileSync(REPORT(name), JSON.stringify(report, null, 2) + '\n');
  console.log(
    `[${name}] the candidates' last byte -> shelf on screen, ms (load average ${report.loadAverage.toFixed(1)}):\n` +
      Object.entries(byKind).map(([k, v]) => `  ${k}: ${v.shelves} shelves, p50 ${v.p50}, p95 ${v.p95}, max ${v.max} (p50 until the order ${v.orderedP50}, then to the screen ${v.shownP50}; the widget's own measure p50 ${v.widgetP50}, p95 ${v.widgetP95}); main-thread CPU in that time p50 ${v.cpuP50}, p95 ${v.cpuP95}`).join('\n') +
      `\n  p95 within ${BUDGET_MS} ms: ${kinds.filter((k) => byKind[k].p95 <= BUDGET_MS).join(', ') || 'none'}; over: ${kinds.filter((k) => byKind[k].p95 > BUDGET_MS).join(', ') || 'none'}` +
      `\n  widget tasks over 50 ms CPU: ${tasks.filter((t) => t.taskCpuMs > 50).length}; widget scripts not matched to a task in the trace: ${tasks.filter((t) => Number.isNaN(t.taskCpuMs)).length}` +
      `\n  timings ${JSON.stringify(info?.timings)}\n` +
      tasks.map((t) => `  ${t.path} ${t.script} (${t.invoker}): task ${t.taskWallMs} ms wall, ${t.taskCpuMs} ms CPU`).join('\n'),
  );

  expect(kinds.every((k) => byKind[k].shelves > 0), 'every kind of page had a shelf').toBe(true);
  expect(statuses.filter((s) => s.source !== source).map((s) => `${s.path} ${s.slot}: ${s.source}`), `shelves not in the ${source}'s order`).toEqual([]);
}
