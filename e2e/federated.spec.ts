// Federated learning end to end, in real Chromium against the real server: two shoppers' workers
// each contribute one update to a round of K = 2, the server aggregates and publishes a new model,
// both devices load it; and everything the two browsers sent is captured and searched for their
// history. Runs against its own server (see playwright.config.ts), which the two projects share:
// each test fills the round that is open when it starts, and leaves none half-filled.
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { captureRequests, historyIdsIn, isUpload, rawEventTerms, rawTermsIn, unexpectedUploadHeaders, type Capture, type Captured } from './support/capture';
import { flModel, flRound, flStatus, published } from './support/federated';
import { HISTORY_READ } from '../src/worker/history';
import { MIN_NEW_EVENTS } from '../src/worker/federate';
import { FL_BASE_URL } from './support/servers';
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

test('two shoppers contribute to a round of K = 2, pick up the new model, and send nothing of their history', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const before = await flStatus(request);
  const round = await flRound(request);
  expect(round).toMatchObject({ status: 'open', cohort: 2, received: 0, model: { version: before.model } });

  const a = await openShopper(browser, 'shopper A');
  const b = await openShopper(browser, 'shopper B');
  try {
    await browseUntilSent(a, ['Shoes', 'Electronics']);
    expect((await debugNow(a.page)).contribution.lastRound).toBe(round.round);
    // One update is not a cohort: nothing may be published from it alone.
    expect(await flRound(request)).toMatchObject({ round: round.round, received: 1 });
    expect(await flStatus(request)).toMatchObject({ roundsCompleted: before.roundsCompleted, updatesAccepted: before.updatesAccepted + 1, model: before.model });
    await goHome(a);

    await browseUntilSent(b, ['Apparel', 'Outdoor']);
    expect((await debugNow(b.page)).contribution.lastRound).toBe(round.round);
    await goHome(b);

    // The second update completes the cohort: the round is aggregated and a new version published.
    const after = await flStatus(request);
    expect(after).toMatchObject({ roundsCompleted: before.roundsCompleted + 1, updatesAccepted: before.updatesAccepted + 2, updatesRejected: before.updatesRejected });
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
      expect(upload.status).toBe(202);
      expect(upload.headers['content-type']).toBe('application/vnd.shelfwise.update');
      expect(upload.body?.length, 'int16 per value of the round').toBe(2 * round.length);
      expect(upload.headers).toMatchObject({ 'x-shelfwise-round': String(round.round), 'x-shelfwise-model': before.model });
      expect(upload.headers['x-shelfwise-token']).toMatch(/^[0-9a-f]{32}$/);
      expect(upload.headers).not.toHaveProperty('cookie');
      expect(upload.headers).not.toHaveProperty('authorization');
      expect(unexpectedUploadHeaders(upload)).toEqual([]);
      // One-time: the device keeps no trace of the token it sent, so nothing links its uploads.
      expect(state.includes(upload.headers['x-shelfwise-token']), `${shopper.name}'s storage keeps the token it sent`).toBe(false);
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
    expect(uploads[0].headers['x-shelfwise-token']).not.toBe(uploads[1].headers['x-shelfwise-token']);
    console.log(`round ${round.round}: ${round.length} values; ε ${before.epsilon.toFixed(2)} -> ${after.epsilon.toFixed(2)}; ${before.model} -> ${model.version}; A ${a.outcomes.join(', ')}; B ${b.outcomes.join(', ')}`);
  } finally {
    await Promise.all([a.context.close(), b.context.close()]);
  }
});

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

test('a device contributes once per round, with two tabs open and with a full history window', async ({ browser, request }, testInfo) => {
  // Web Locks and the store work alike on every backend: one project keeps the suite short.
  test.skip(testInfo.project.name !== 'webgpu', 'backend-independent; runs in the webgpu project');
  test.setTimeout(120_000);
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
    expect(await flRound(request), 'one device, one update in the round').toMatchObject({ round: round.round, received: 1 });
    await fillHistoryWindow(c, request);
    await c.page.reload();
    expect(await settle(c), 'new views make the device eligible again, but not twice in one round').toBe('already-contributed');

    await view(d, ['SKU-1009', 'SKU-1010', 'SKU-1011'].slice(0, MIN_NEW_EVENTS - 1));
    const dOutcomes = await twoTabsAtOnce(d, ['SKU-1071', 'SKU-1072']);
    expect(dOutcomes.filter((o) => o === 'sent'), `one tab sent (${dOutcomes.join(', ')})`).toHaveLength(1);
    expect(await flStatus(request)).toMatchObject({ roundsCompleted: before.roundsCompleted + 1, updatesAccepted: before.updatesAccepted + 2 });

    for (const shopper of [c, d]) {
      const uploads = (await shopper.capture.settle()).filter(isUpload);
      expect(uploads.map((u) => [u.headers['x-shelfwise-round'], u.status]), `${shopper.name}'s uploads`).toEqual([[String(round.round), 202]]);
    }
  } finally {
    await Promise.all([c.context.close(), d.context.close()]);
  }
});
