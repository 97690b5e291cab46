// Federated learning end to end, in real Chromium against real aggregators: two shoppers' workers
// each contribute one report to a round of K = 2 through two-aggregator secure aggregation, the
// leader and the helper each sum their shares and add their noise, the leader publishes a new
// model, both devices load it. Everything each aggregator received (the browsers' requests; the
// leader's requests to the helper, through a recording proxy) and stored (their SQLite files) is
// captured: neither alone can tell anything of a device's update — the leader's share is uniform
// and uncorrelated with it, the helper holds 32-byte seeds — while the two together (as this test
// does, with the helper's key) recover each update exactly, and the released mean is their exact
// mean plus the two aggregators' noise: central mode's release to within its noise. The browsers'
// requests are also searched for the shoppers' history. Runs against its own aggregators (see
// playwright.config.ts), which the two projects share: each test fills the round that is open when
// it starts, and leaves none half-filled.
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { captureRequests, historyIdsIn, isUpload, rawEventTerms, rawTermsIn, unexpectedUploadHeaders, type Capture, type Captured } from './support/capture';
import {
  byteChiSquare, correlation, denseValues, flModel, flRound, flStatus, helperKeys, helperTraffic, holdsAnyPart, published, reconstruct, storedBytes, tableRows,
} from './support/federated';
import { HISTORY_READ } from '../src/worker/history';
import { MIN_NEW_EVENTS } from '../src/worker/contribution-rules';
import { maxRounds } from '../src/privacy/accountant';
import { MAX_CODE } from '../src/privacy/fixed-point';
import { roundRate, SERVER_OPTIMIZER_DEFAULTS } from '../src/privacy/server-optimizer';
import type { RoundInfo } from '../src/sync/wire';
import { FL_BASE_URL, FL_HELPER_DB, FL_LEADER_DB } from './support/servers';
import { storedEvents, storedStateJson, waitForStored } from './support/storage';
import { debug, debugNow, push, slotStatus, WAIT_FOR_MODEL } from './support/widget';

test.use({ baseURL: FL_BASE_URL });

interface Shopper {
  name: string;
  context: BrowserContext;
  page: Page;
  capture: Capture;
  /** "<page>: <outcome>" of every page whose worker tried to contribute. */
  outcomes: string[];
}

async function openShopper(browser: Browser, name: string): Promise<Shopper> {
  // A context of its own: separate IndexedDB, storage and cookies, as on two devices.
  const context = await browser.newContext({ baseURL: FL_BASE_URL });
  const capture = captureRequests(context);
  return { name, context, page: await context.newPage(), capture, outcomes: [] };
}

/**
 * Waits until the page has shown its shelves and, where a model ranked them (the page then has a
 * worker, which tries to contribute once the page is idle), until that attempt has an outcome.
 * Leaving the page earlier could cut an upload off half-way.
 */
async function settle(shopper: Shopper): Promise<string | null> {
  const { page } = shopper;
  const slots = await page.locator('[data-shelfwise-slot]').count();
  if (slots === 0) return null;
  let shown: { source: string }[] = [];
  await expect.poll(async () => (shown = (await debug(page))?.slots ?? []).length, { message: 'the shelves are shown', timeout: 45_000 }).toBe(slots);
  if (!shown.some((s) => s.source === 'model' || s.source === 'cache')) return null;
  let outcome: string | null = null;
  await expect
    .poll(async () => (outcome = (await debug(page))?.contribution.outcome ?? null), { message: `${shopper.name}: the worker's contribution attempt on ${page.url()}`, timeout: 60_000 })
    .not.toBeNull();
  shopper.outcomes.push(`${new URL(page.url()).pathname}: ${outcome}`);
  return outcome;
}

const PER_CATEGORY = 2;

/** Browses products of `categories` by clicking through the storefront until this device's worker has sent its update. */
async function browseUntilSent(shopper: Shopper, categories: string[]): Promise<void> {
  const { page } = shopper;
  await page.goto(`/?${WAIT_FOR_MODEL}`);
  await settle(shopper);
  for (const category of categories) {
    await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: category }).click();
    for (let n = 0; n < PER_CATEGORY; n++) {
      await page.locator('.product-grid a.card-link').nth(n).click();
      await waitForStored(page, 'view_item', (await page.locator('article.product').getAttribute('data-item-id'))!);
      if ((await settle(shopper)) === 'sent') return;
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: category, exact: true }).click();
    }
  }
  await page.locator('a.logo').click();
  expect(await settle(shopper), `${shopper.name} sent an update; attempts: ${shopper.outcomes.join(', ')}`).toBe('sent');
}

/** Back on the home page, the same device does not contribute again: it has nothing new since. */
async function goHome(shopper: Shopper): Promise<void> {
  await shopper.page.locator('a.logo').click();
  expect(await settle(shopper)).toBe('not-enough-history');
}

/** The round's publication: the leader aggregates in the background once the cohort is in. */
async function untilPublished(request: APIRequestContext, rounds: number) {
  await expect.poll(async () => (await flStatus(request)).roundsCompleted, { message: 'the round is aggregated and published', timeout: 30_000 }).toBe(rounds);
  return flStatus(request);
}

test('two shoppers contribute to a round of K = 2 through two aggregators, neither of which can read an update; the release is their mean plus the noise', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const before = await flStatus(request);
  const round = await flRound(request);
  expect(round).toMatchObject({ status: 'open', cohort: 2, received: 0, model: { version: before.model }, aggregation: 'two-aggregator', secagg: { width: 24 } });
  expect(before).toMatchObject({ aggregation: 'two-aggregator', roundsRefused: 0, helper: { reachable: true } });
  const startValues = await denseValues(request, await flModel(request));

  const a = await openShopper(browser, 'shopper A');
  const b = await openShopper(browser, 'shopper B');
  try {
    await browseUntilSent(a, ['Shoes', 'Electronics']);
    expect((await debugNow(a.page)).contribution.lastRound).toBe(round.round);
    // One report is not a cohort: nothing may be published from it alone.
    expect(await flRound(request)).toMatchObject({ round: round.round, received: 1 });
    expect(await flStatus(request)).toMatchObject({ roundsCompleted: before.roundsCompleted, updatesAccepted: before.updatesAccepted + 1, model: before.model });
    // Mid-round, what each aggregator stores of shopper A's report: the leader, the report as it came
    // (its share and the sealed seed); the helper, once the leader has forwarded it, a 32-byte seed.
    const [aReport] = (await a.capture.settle()).filter(isUpload);
    const aId = Buffer.from(aReport.body!.subarray(15, 31)).toString('hex');
    expect(tableRows<{ payload: Buffer }>(FL_LEADER_DB, 'SELECT payload FROM updates WHERE token = ?', aId).map((r) => Buffer.compare(r.payload, aReport.body!))).toEqual([0]);
    await expect.poll(() => tableRows<{ n: number }>(FL_HELPER_DB, 'SELECT length(seed) AS n FROM seeds WHERE report_id = ?', aId).map((r) => r.n), { message: 'the helper holds its seed' }).toEqual([32]);
    const midRound = { leader: storedBytes(FL_LEADER_DB), helper: storedBytes(FL_HELPER_DB) };
    await goHome(a);

    await browseUntilSent(b, ['Apparel', 'Outdoor']);
    expect((await debugNow(b.page)).contribution.lastRound).toBe(round.round);
    await goHome(b);

    // The second report completes the cohort: both aggregators sum, the leader publishes.
    const after = await untilPublished(request, before.roundsCompleted + 1);
    expect(after).toMatchObject({ updatesAccepted: before.updatesAccepted + 2, updatesRejected: before.updatesRejected, roundsRefused: 0, helper: { reachable: true, waiting: false } });
    expect(after.epsilon).toBeGreaterThan(before.epsilon);
    expect(after.epsilon).toBeLessThanOrEqual(after.epsilonBudget);
    const model = await flModel(request);
    expect(model).toMatchObject({ round: round.round, version: after.model });
    expect(model.version).not.toBe(before.model);
    const files = await published(request, model);
    expect(files).toEqual({ weights: model.sha256, declared: model.sha256, version: model.version });

    // Each device loads the new version on its next page, and still personalizes with it.
    for (const shopper of [a, b]) {
      await shopper.page.reload();
      await expect.poll(async () => (await debug(shopper.page))?.modelVersion, { message: `${shopper.name} runs the new model` }).toBe(model.version);
      expect(['model', 'cache']).toContain((await slotStatus(shopper.page, 'for-you')).source);
      expect(await settle(shopper)).toBe('not-enough-history');
    }

    const uploads: Captured[] = [];
    for (const shopper of [a, b]) {
      const requests = await shopper.capture.settle();
      const history = await storedEvents(shopper.page);
      const ids = new Set(history.map((e) => e.item_id));
      const raw = rawEventTerms(history);
      const state = `${await storedStateJson(shopper.page)} ${await shopper.page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]))}`;
      expect(ids.size, `${shopper.name} has a history worth hiding`).toBeGreaterThanOrEqual(4);
      expect(raw).toEqual(expect.arrayContaining(['view_item', 'select_item']));

      const mine = requests.filter(isUpload);
      expect(mine, `${shopper.name} uploaded exactly once (${shopper.outcomes.join(', ')})`).toHaveLength(1);
      const [upload] = mine;
      expect(upload.url).toBe(`${FL_BASE_URL}/api/fl/report`);
      expect(upload.status).toBe(202);
      expect(upload.headers['content-type']).toBe('application/vnd.shelfwise.report');
      const version = Buffer.byteLength(before.model);
      expect(upload.body?.length, 'header, model version, sealed seed, and a 24-bit share per value').toBe(117 + version + 3 * round.length);
      expect(upload.headers).not.toHaveProperty('cookie');
      expect(upload.headers).not.toHaveProperty('authorization');
      expect(unexpectedUploadHeaders(upload)).toEqual([]);
      // Acknowledged: the device keeps nothing of the report it sent, so nothing links its uploads.
      const reportId = Buffer.from(upload.body!.subarray(15, 31)).toString('hex');
      expect(state.includes(reportId), `${shopper.name}'s storage keeps the report id it sent`).toBe(false);
      uploads.push(upload);

      expect(requests.length).toBeGreaterThan(20);
      for (const r of requests) {
        const where = `${shopper.name}: ${r.method} ${r.url}`;
        expect(historyIdsIn(r, ids), `history item ids in ${where}`).toEqual([]);
        expect(rawTermsIn(r, raw), `raw event content in ${where}`).toEqual([]);
      }
      // The worker's traffic is in the capture too (model files), not only the page's.
      expect(requests.some((r) => r.url.includes(`/api/fl/models/${encodeURIComponent(model.version)}/weights.bin`))).toBe(true);
    }
    await checkNeitherAggregatorCanRead(round, uploads, midRound);
    await checkRelease(round, after.roundsCompleted, startValues, await denseValues(request, model), uploads);
    console.log(`round ${round.round}: ${round.length} values; ε ${before.epsilon.toFixed(2)} -> ${after.epsilon.toFixed(2)}; ${before.model} -> ${model.version}; A ${a.outcomes.join(', ')}; B ${b.outcomes.join(', ')}`);
  } finally {
    await Promise.all([a.context.close(), b.context.close()]);
  }
});

/**
 * The leader received the two reports (the browsers' requests) and the helper's answers; the helper
 * received what the proxy logged. Colluding (with the helper's key), the test recovers each update;
 * then it checks that no single aggregator's bytes say anything of it.
 */
async function checkNeitherAggregatorCanRead(round: RoundInfo, uploads: Captured[], midRound: { leader: Buffer; helper: Buffer }): Promise<void> {
  const keys = helperKeys();
  const traffic = helperTraffic().filter((e) => e.method === 'POST');
  const toHelper = Buffer.concat(traffic.map((e) => Buffer.from(e.body, 'base64')));
  const stored = { leader: Buffer.concat([midRound.leader, storedBytes(FL_LEADER_DB)]), helper: Buffer.concat([midRound.helper, storedBytes(FL_HELPER_DB)]) };
  for (const upload of uploads) {
    const { report, seed, update, mask } = await reconstruct(upload.body!, keys);
    let squares = 0;
    for (const v of update) squares += v * v;
    // A real, clipped update: what the device sent is the update, in two shares.
    expect(Math.sqrt(squares)).toBeLessThanOrEqual(MAX_CODE);
    expect(Math.sqrt(squares), 'an update worth hiding').toBeGreaterThan(1000);
    const d = round.length;
    // The leader's share: uniform bytes, and no correlation with the update (|r| < 4/√d).
    expect(byteChiSquare(report.leaderShare)).toBeLessThan(330.5);
    const share = new Int32Array(d);
    for (let i = 0; i < d; i++) share[i] = ((report.leaderShare[3 * i] | (report.leaderShare[3 * i + 1] << 8) | (report.leaderShare[3 * i + 2] << 16)) << 8) >> 8;
    expect(Math.abs(correlation(share, update))).toBeLessThan(4 / Math.sqrt(d));
    // The helper's share, PRG(seed): as uniform, and as unrelated to the update.
    expect(Math.abs(correlation(mask, update))).toBeLessThan(4 / Math.sqrt(d));
    // The helper never received, nor stored, any part of the leader's share; it got the sealed seed.
    expect(holdsAnyPart(toHelper, report.leaderShare), 'the leader share in the helper’s traffic').toBe(false);
    expect(holdsAnyPart(stored.helper, report.leaderShare), 'the leader share in the helper’s files').toBe(false);
    expect(toHelper.includes(Buffer.from(report.sealedSeed.ciphertext).toString('base64url')), 'the sealed seed forwarded').toBe(true);
    // The leader holds the sealed seed, but neither the seed nor any key that opens it.
    expect(stored.leader.includes(Buffer.from(seed)), 'the seed in the leader’s files').toBe(false);
    for (const k of keys) expect(stored.leader.includes(Buffer.from(k.privateKey)), 'a helper private key in the leader’s files').toBe(false);
  }
  // Per report, the helper received about a hundred bytes (id, key id, sealed seed), never a share.
  const seedBatches = traffic.filter((e) => e.path === '/api/fl/helper/seeds');
  expect(seedBatches.length).toBeGreaterThan(0);
  for (const e of seedBatches) expect(Buffer.from(e.body, 'base64').length).toBeLessThan(400 * (JSON.parse(Buffer.from(e.body, 'base64').toString()) as { reports: unknown[] }).reports.length + 200);
}

/** The released mean, read back from the weights (server step: plain FedAvg), is the devices'
 *  exact mean plus two aggregators' noise: per coordinate N(0, 2(zC)²)/K², where central mode's
 *  release would carry N(0, (zC)²)/K². */
async function checkRelease(round: RoundInfo, t: number, start: Float32Array, released: Float32Array, uploads: Captured[]): Promise<void> {
  const keys = helperKeys();
  const updates = await Promise.all(uploads.map(async (u) => (await reconstruct(u.body!, keys)).update));
  const K = updates.length;
  const horizon = maxRounds(K / 6, round.noiseMultiplier, 1e-5, 8);
  const rate = roundRate(0.01, t, horizon, SERVER_OPTIMIZER_DEFAULTS.finalRate);
  const d = round.length;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < d; i++) {
    const truth = (updates[0][i] + updates[1][i]) / (K * round.scale);
    const residual = (released[i] - start[i]) / rate - truth;
    sum += residual;
    squares += residual * residual;
  }
  const mean = sum / d;
  const std = Math.sqrt(squares / d - mean * mean);
  const twoAggregators = (Math.SQRT2 * round.noiseMultiplier * round.clipNorm) / K;
  expect(Math.abs(mean)).toBeLessThan((5 * twoAggregators) / Math.sqrt(d));
  expect(std / twoAggregators).toBeGreaterThan(0.95);
  expect(std / twoAggregators).toBeLessThan(1.05);
  console.log(`release: residual std ${std.toExponential(3)} = ${(std / twoAggregators).toFixed(3)} × √2·zC/K (two aggregators' noise), ${(std / (twoAggregators / Math.SQRT2)).toFixed(3)} × central mode's zC/K`);
}

/** Views `ids` one page after another in the shopper's first tab. */
async function view(shopper: Shopper, ids: string[]): Promise<void> {
  for (const id of ids) {
    await shopper.page.goto(`/p/${id}?${WAIT_FOR_MODEL}`);
    await waitForStored(shopper.page, 'view_item', id);
    expect(await settle(shopper)).not.toBe('sent');
  }
}

/** Opens two product pages of the shopper at once: with one more view each, both tabs' workers find the device eligible together. */
async function twoTabsAtOnce(shopper: Shopper, ids: [string, string]): Promise<(string | null)[]> {
  const second = await shopper.context.newPage();
  const tabs = [shopper.page, second];
  await Promise.all(tabs.map((tab, i) => tab.goto(`/p/${ids[i]}?${WAIT_FOR_MODEL}`)));
  const outcomes: (string | null)[] = [];
  for (const tab of tabs) outcomes.push(await settle({ ...shopper, page: tab }));
  return outcomes;
}

/**
 * More list views than the worker reads of the history (its newest HISTORY_READ records), then
 * MIN_NEW_EVENTS views of products not seen yet: what is new since the last contribution must still
 * count as new, however full the window is.
 */
async function fillHistoryWindow(shopper: Shopper, request: APIRequestContext): Promise<void> {
  const { items } = (await (await request.get('/api/catalog')).json()) as { items: { item_id: string }[] };
  const stored = (await storedEvents(shopper.page)).length;
  const LIST = 50;
  const lists = Math.ceil(HISTORY_READ / LIST) + 1;
  for (let i = 0; i < lists; i++) await push(shopper.page, ['track', 'view_item_list', { items: items.slice(i * 10, i * 10 + LIST) }]);
  const fresh = items.slice(-MIN_NEW_EVENTS);
  for (const item of fresh) await push(shopper.page, ['track', 'view_item', { items: [item] }]);
  await expect
    .poll(async () => (await storedEvents(shopper.page)).length, { message: 'the pushed events are stored' })
    .toBeGreaterThanOrEqual(stored + lists * LIST + fresh.length);
}

test('a device contributes once per round, with two tabs open and with a full history window; a report whose answer was lost is sent again and counts once', async ({ browser, request }, testInfo) => {
  // Web Locks and the store work alike on every backend: one project keeps the suite short.
  test.skip(testInfo.project.name !== 'webgpu', 'backend-independent; runs in the webgpu project');
  test.setTimeout(150_000);
  const before = await flStatus(request);
  const round = await flRound(request);
  expect(round).toMatchObject({ status: 'open', cohort: 2, received: 0 });

  const c = await openShopper(browser, 'shopper C');
  const d = await openShopper(browser, 'shopper D');
  try {
    // One view short of eligible: the next one, in either tab, makes the device eligible, and both tabs come at once.
    await view(c, ['SKU-1041', 'SKU-1042', 'SKU-1043'].slice(0, MIN_NEW_EVENTS - 1));
    const cOutcomes = await twoTabsAtOnce(c, ['SKU-1101', 'SKU-1102']);
    expect(cOutcomes.filter((o) => o === 'sent'), `one tab sent (${cOutcomes.join(', ')})`).toHaveLength(1);
    expect(await flRound(request), 'one device, one report in the round').toMatchObject({ round: round.round, received: 1 });
    await fillHistoryWindow(c, request);
    await c.page.reload();
    expect(await settle(c), 'new views make the device eligible again, but not twice in one round').toBe('already-contributed');

    // Shopper D's report reaches the leader, but the answer never reaches the device (the connection
    // drops, as when the shopper leaves mid-upload): the device keeps the report in IndexedDB.
    await d.context.route('**/api/fl/report', async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    });
    await view(d, ['SKU-1009', 'SKU-1010', 'SKU-1011'].slice(0, MIN_NEW_EVENTS));
    expect(d.outcomes.at(-1)).toMatch(/: report-kept$/);
    // The leader counted it: the round is complete and published.
    expect(await untilPublished(request, before.roundsCompleted + 1)).toMatchObject({ updatesAccepted: before.updatesAccepted + 2 });
    // A later page sends the same report again: acknowledged as the one already counted.
    await d.context.unroute('**/api/fl/report');
    await d.page.reload();
    expect(await settle(d)).toBe('resent');
    expect(await flStatus(request)).toMatchObject({ roundsCompleted: before.roundsCompleted + 1, updatesAccepted: before.updatesAccepted + 2, updatesRejected: before.updatesRejected });
    expect(await storedStateJson(d.page)).not.toContain('pending');

    const [cUploads, dUploads] = await Promise.all([c, d].map(async (shopper) => (await shopper.capture.settle()).filter(isUpload)));
    expect(cUploads.map((u) => u.status), "shopper C's reports").toEqual([202]);
    expect(dUploads.map((u) => u.status), "shopper D's reports: the first answer lost, then acknowledged as a duplicate").toEqual([null, 200]);
    expect(Buffer.compare(dUploads[0].body!, dUploads[1].body!), 'the same bytes, the same report id').toBe(0);
  } finally {
    await Promise.all([c.context.close(), d.context.close()]);
  }
});
