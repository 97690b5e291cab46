// What leaves the device: the widget's own requests (candidates, model, chunks) never carry the
// shopper's history. Only a product page's own context item may appear, in its related and
// cross-sell slots' queries.
import { expect, test, type Request } from '@playwright/test';
import { storedEvents, waitForStored } from './support/storage';
import { slotStatus, WAIT_FOR_MODEL } from './support/widget';

const VIEWED = ['SKU-1041', 'SKU-1042', 'SKU-1043', 'SKU-1101'];

test('no widget request carries a history item id', async ({ page, context }) => {
  const requests: { url: string; body: string; page: string }[] = [];
  const record = (r: Request) => {
    // Fetches and worker traffic are the widget's; navigations and images are the shopper's own page loads.
    if (!['fetch', 'xhr', 'script', 'other'].includes(r.resourceType())) return;
    requests.push({ url: r.url(), body: r.postData() ?? '', page: page.url() });
  };
  context.on('request', record);

  for (const id of VIEWED) {
    await page.goto(`/p/${id}?${WAIT_FOR_MODEL}`);
    await waitForStored(page, 'view_item', id);
  }
  await page.goto(`/?${WAIT_FOR_MODEL}`);
  const home = await slotStatus(page, 'for-you');
  expect(['model', 'cache']).toContain(home.source);
  await page.goto(`/p/SKU-1200?${WAIT_FOR_MODEL}`);
  await slotStatus(page, 'related');

  const history = new Set((await storedEvents(page)).map((e) => e.item_id));
  for (const id of VIEWED) expect(history.has(id)).toBe(true);
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const context = new URL(r.page).pathname.match(/^\/p\/(.+)$/)?.[1];
    for (const id of history) {
      const params = new URL(r.url).searchParams;
      if (id === context && (params.get('context_item') === id || params.get('context_items') === id)) continue;
      expect(`${r.url} ${r.body}`, `request from ${r.page}`).not.toContain(id);
    }
  }
});
