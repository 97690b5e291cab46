// The storefront's own scripts in real Chromium, under the real CSP: the dataLayer pushes a
// shopper's clicks produce, the cart, and the consent banner. A stub stands in for the widget.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byPopularity, getCatalog } from './catalog';
import { startTestServer, type TestServer } from './test-helpers';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

type Push = { event?: string; ecommerce?: Record<string, unknown> | null };

describe('storefront in a real browser', () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'shelfwise-flow-'));
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const dataLayer = () => page.evaluate(() => (window as unknown as { dataLayer: Push[] }).dataLayer);
  const lastEvent = async (name: string) => (await dataLayer()).filter((p) => p.event === name).at(-1);

  beforeAll(async () => {
    writeFileSync(path.join(dist, 'shelfwise.js'), 'window.__widgetRan = document.currentScript.nonce.length > 0;');
    server = await startTestServer({ distDir: dist });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`));
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('pushes view_item_list, select_item, view_item, add_to_cart and purchase', async () => {
    const catalog = getCatalog();
    const top = byPopularity(catalog.items)[0]!;
    await page.goto(`${server.url}/cart`);
    expect(await page.isVisible('#cart-shelf')).toBe(false);
    expect(await page.locator('#cart-cross-sell').getAttribute('data-shelfwise-slot')).toBeNull();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { __widgetRan?: boolean }).__widgetRan === true);
    const pushes = await dataLayer();
    expect(pushes.at(-2)).toEqual({ ecommerce: null });
    expect(pushes.at(-1)).toMatchObject({ event: 'view_item_list', ecommerce: { item_list_id: 'popular' } });

    // Stop the navigation so the select_item push can be read on this page.
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
    await page.click(`[data-sf-list="popular"] [data-sf-item="${top.item_id}"] .card-name`);
    const select = await lastEvent('select_item');
    expect(select?.ecommerce).toMatchObject({ item_list_id: 'popular', items: [{ item_id: top.item_id, index: 0 }] });

    await page.goto(`${server.url}/p/${top.item_id}`);
    expect((await lastEvent('view_item'))?.ecommerce).toMatchObject({ currency: 'EUR', value: top.price, items: [{ item_id: top.item_id }] });
    await page.click('#add-to-cart');
    expect((await lastEvent('add_to_cart'))?.ecommerce).toMatchObject({ value: top.price, items: [{ item_id: top.item_id, quantity: 1 }] });
    expect(await page.textContent('#cart-count')).toBe('1');

    await page.goto(`${server.url}/cart`);
    expect(await page.textContent('#cart-items')).toContain(top.item_name);
    // The cart's ids become the cross-sell slot's context, and the widget is asked to render it.
    const shelf = page.locator('#cart-cross-sell');
    expect(await shelf.getAttribute('data-shelfwise-slot')).toBe('cross-sell');
    expect(await shelf.getAttribute('data-shelfwise-context-items')).toBe(top.item_id);
    expect(await page.isVisible('#cart-shelf')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { shelfwise: unknown[] }).shelfwise)).toEqual([['render']]);
    await page.click('#place-order');
    expect(await page.isVisible('#cart-shelf')).toBe(false);
    const purchase = await lastEvent('purchase');
    expect(purchase?.ecommerce).toMatchObject({ currency: 'EUR', value: top.price, items: [{ item_id: top.item_id, quantity: 1 }] });
    expect(purchase?.ecommerce?.transaction_id).toMatch(/^T-/);
    expect(await page.isVisible('#order-thanks')).toBe(true);
    expect(await page.textContent('#cart-count')).toBe('0');
    expect(problems).toEqual([]);
  }, 30_000);

  it('sends the consent choice through the command queue and re-sends it on later pages', async () => {
    await page.goto(`${server.url}/?consent=opt-in`);
    expect(await page.isVisible('#sw-consent')).toBe(true);
    await page.click('#sw-consent-accept');
    expect(await page.isVisible('#sw-consent')).toBe(false);
    const queue = () => page.evaluate(() => (window as unknown as { shelfwise: unknown[] }).shelfwise);
    expect(await queue()).toEqual([['consent', 'granted']]);
    await page.click('nav.site-nav a >> nth=1');
    await page.waitForURL(/\/c\/shoes\?consent=opt-in$/);
    expect(await page.isVisible('#sw-consent')).toBe(false);
    expect(await queue()).toEqual([['consent', 'granted']]);
    expect(problems).toEqual([]);
  }, 30_000);
});
