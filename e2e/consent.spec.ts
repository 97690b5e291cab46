// Consent: opt-in stores nothing until a grant; Global Privacy Control, a denial command and
// Google Consent Mode stop storage and the model, delete what was stored, and put the shelf
// back in the server's order.
import { expect, test, type Page } from '@playwright/test';
import { serverOrder } from './support/catalog';
import { consentChoice, hasDatabase, storedEvents, waitForStored, webStorageKeys } from './support/storage';
import { cardIds, debugNow, push, slotStatus, WAIT_FOR_MODEL } from './support/widget';

/** Gives the shopper some history and returns the home shelf, ranked by the model from it. */
async function shopperWithHistory(page: Page, serverIds: string[]): Promise<string[]> {
  for (const id of ['SKU-1045', 'SKU-1043']) {
    await page.goto(`/p/${id}`);
    await waitForStored(page, 'view_item', id);
  }
  await page.goto(`/?${WAIT_FOR_MODEL}`);
  const status = await slotStatus(page, 'for-you');
  expect(status.source).toBe('model');
  // Otherwise falling back to the server's order would not be visible.
  expect(status.shown).not.toEqual(serverIds);
  return status.shown;
}

/** Everything a denial must leave behind: no database, no model, the server's order. */
async function expectForgotten(page: Page, serverIds: string[]): Promise<void> {
  await expect.poll(() => hasDatabase(page), { message: 'the shelfwise database is deleted' }).toBe(false);
  await expect.poll(() => cardIds(page, 'for-you'), { message: "the shelf shows the server's order" }).toEqual(serverIds);
  const info = await debugNow(page);
  expect(info).toMatchObject({ consent: 'denied', events: 0, backend: 'none' });
  // Only the choice itself is remembered.
  expect(await webStorageKeys(page)).toEqual(['shelfwise:consent']);
}

test('opt-in mode stores nothing before consent, and starts once the shopper accepts', async ({ page, request }) => {
  const serverIds = await serverOrder(request, 'for-you', 8);
  await page.goto(`/p/SKU-1045?consent=opt-in&${WAIT_FOR_MODEL}`); // pushes view_item to the dataLayer
  expect((await slotStatus(page, 'related')).shown).toEqual(await serverOrder(request, 'related', 6, 'SKU-1045'));
  await page.locator('a.logo').click();
  const status = await slotStatus(page, 'for-you');
  expect(status).toMatchObject({ source: 'server', shown: serverIds });
  expect(await debugNow(page)).toMatchObject({ consent: 'pending', events: 0, backend: 'none' });
  expect(await hasDatabase(page)).toBe(false);
  expect(await webStorageKeys(page)).toEqual([]);

  await page.locator('#sw-consent-accept').click();
  await expect.poll(async () => (await debugNow(page)).consent).toBe('granted');
  expect(await consentChoice(page)).toBe('granted');
  // The next things the shopper does are stored: the click on a card, the product view.
  const card = page.locator('[data-shelfwise-slot="for-you"] a[data-item-id]').first();
  const id = (await card.getAttribute('data-item-id'))!;
  await card.click();
  await waitForStored(page, 'view_item', id);
  expect(await hasDatabase(page)).toBe(true);
});

test('Global Privacy Control: nothing is stored, no model runs, server order', async ({ page, request }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
  });
  await page.goto(`/p/SKU-1045?${WAIT_FOR_MODEL}`);
  expect((await slotStatus(page, 'related')).source).toBe('server');
  await page.locator('#add-to-cart').click();
  await page.locator('a.logo').click();
  expect(await slotStatus(page, 'for-you')).toMatchObject({ source: 'server', shown: await serverOrder(request, 'for-you', 8) });
  expect(await webStorageKeys(page)).toEqual([]);
  // GPC outranks a later grant from the page.
  await push(page, ['consent', 'granted']);
  expect(await debugNow(page)).toMatchObject({ consent: 'denied', events: 0, backend: 'none' });
  expect(await hasDatabase(page)).toBe(false);
});

test("shelfwise.push(['consent','denied']) deletes the history and the shelf falls back for good", async ({ page, request }) => {
  const serverIds = await serverOrder(request, 'for-you', 8);
  await shopperWithHistory(page, serverIds);
  expect((await storedEvents(page)).length).toBeGreaterThan(0);

  await push(page, ['consent', 'denied']);
  await expectForgotten(page, serverIds);

  await page.reload();
  expect(await slotStatus(page, 'for-you')).toMatchObject({ source: 'server', shown: serverIds });
  expect(await consentChoice(page)).toBe('denied');
  // The storefront keeps pushing events; none may be stored.
  await page.goto('/p/SKU-1046');
  expect((await slotStatus(page, 'related')).source).toBe('server');
  expect(await debugNow(page)).toMatchObject({ consent: 'denied', events: 0 });
  expect(await hasDatabase(page)).toBe(false);
  expect(await webStorageKeys(page)).toEqual(['shelfwise:consent']);
});

test("Consent Mode: gtag('consent','update',{personalization_storage:'denied'}) denies too", async ({ page, request }) => {
  const serverIds = await serverOrder(request, 'for-you', 8);
  await shopperWithHistory(page, serverIds);

  await page.evaluate(() => {
    const w = window as unknown as { dataLayer: unknown[] };
    // The standard gtag snippet: it pushes its `arguments` object.
    function gtag(..._args: unknown[]) {
      w.dataLayer.push(arguments);
    }
    gtag('consent', 'update', { personalization_storage: 'denied' });
  });
  await expectForgotten(page, serverIds);
});
