// "Never break the host page", part one: across a whole shopping session, no uncaught error, no
// console error, no CSP violation under the storefront's strict policy (no 'unsafe-eval'), and
// no global but `shelfwise`. (Styles: host-styles.spec.ts; layout and main thread: host-performance.spec.ts.)
import { expect, test, type Page } from '@playwright/test';
import { installProbe, isWidgetScript, newGlobals, readProbe } from './support/probe';
import { waitForStored } from './support/storage';
import { blockWidget, debugNow, slotStatus, unblockWidget, WAIT_FOR_MODEL } from './support/widget';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // Includes the model worker's console: a dedicated worker's messages reach the page's console.
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    // Nor should the widget (TF.js included) chatter in the merchant's console.
    else if (m.type() === 'warning' && isWidgetScript(m.location().url)) errors.push(`console.warn: ${m.text()}`);
  });
  return errors;
}

test('a browse session: no errors, no CSP violation, no global but shelfwise', async ({ page }) => {
  const errors = collectErrors(page);
  await installProbe(page);
  const pages = ['/', '/c/shoes', '/p/SKU-1045', '/cart', '/inline', '/?consent=opt-in'];

  // The storefront's own globals (dataLayer, storefrontCart, …), learnt with the widget left out.
  const storefrontGlobals = new Set<string>();
  await blockWidget(page);
  for (const path of pages) {
    await page.goto(path);
    (await newGlobals(page)).forEach((g) => storefrontGlobals.add(g));
  }
  await unblockWidget(page);

  const report: { page: string; added: string[]; violations: string[] }[] = [];
  const check = async (label: string) => {
    const added = (await newGlobals(page)).filter((g) => !storefrontGlobals.has(g));
    report.push({ page: label, added, violations: (await readProbe(page)).violations });
  };

  const home = await page.goto(`/?${WAIT_FOR_MODEL}`);
  const csp = home!.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-/);
  expect(csp).not.toMatch(/unsafe-eval|unsafe-inline/);
  await slotStatus(page, 'for-you');
  await check('home');

  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Shoes' }).click();
  await waitForStored(page, 'view_item_list');
  await check('category');

  await page.locator('.product-grid a.card-link').first().click();
  await slotStatus(page, 'related');
  await page.locator('#add-to-cart').click();
  await waitForStored(page, 'add_to_cart');
  await check('product');

  await page.locator('#cart-link').click();
  await page.locator('#place-order').click();
  await expect(page.locator('#order-thanks')).toBeVisible();
  await waitForStored(page, 'purchase');
  await check('cart');

  await page.goto(`/inline?${WAIT_FOR_MODEL}`);
  await slotStatus(page, 'inline-demo');
  await check('inline');

  // Back home: the model ranks on the page, and the device learns (its federated update, TF.js
  // on WebGPU/WebGL/CPU in a worker) in idle time, all under the same strict CSP.
  await page.locator('a.logo').click();
  expect((await slotStatus(page, 'for-you')).source).toBe('model');
  expect((await debugNow(page)).modelVersion).toBeTruthy();
  await expect.poll(async () => (await debugNow(page)).contribution.lastRound, { message: 'the device has learnt and contributed', timeout: 60_000 }).not.toBeNull();
  await check('home with history');

  await page.goto('/?consent=opt-in');
  await slotStatus(page, 'for-you');
  await page.locator('#sw-consent-accept').click();
  await expect.poll(async () => (await debugNow(page)).consent).toBe('granted');
  await check('opt-in home');

  expect(errors).toEqual([]);
  for (const r of report) {
    expect(r.violations, `CSP violations on ${r.page}`).toEqual([]);
    expect(r.added, `globals added on ${r.page}`).toEqual(['shelfwise']);
  }
});
