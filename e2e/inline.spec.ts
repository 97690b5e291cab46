// A slot may carry its candidates inline (a JSON child) instead of asking the endpoint.
import { expect, test } from '@playwright/test';
import { waitForStored } from './support/storage';
import { cardIds, slotSelector, slotStatus, WAIT_FOR_MODEL } from './support/widget';

const SLOT = 'inline-demo';

test('inline candidates are rendered and re-ranked without calling /api/candidates', async ({ page }) => {
  // Some history first, so the inline list goes through the on-device ranking too.
  await page.goto('/p/SKU-1150');
  await waitForStored(page, 'view_item', 'SKU-1150');

  const endpointCalls: string[] = [];
  page.on('request', (r) => new URL(r.url()).pathname === '/api/candidates' && endpointCalls.push(r.url()));
  await page.goto(`/inline?${WAIT_FOR_MODEL}`);
  const inline = await page
    .locator(`${slotSelector(SLOT)} > script[type="application/json"]`)
    .evaluate((s) => (JSON.parse(s.textContent!) as { items: { item_id: string }[] }).items.map((i) => i.item_id));
  const status = await slotStatus(page, SLOT);
  expect(status.source).toBe('model');

  const shown = await cardIds(page, SLOT);
  expect(shown).toHaveLength(6); // the slot's data-shelfwise-count
  expect(shown).toEqual(status.shown);
  expect(inline).toEqual(expect.arrayContaining(shown));
  expect(endpointCalls).toEqual([]);
});
