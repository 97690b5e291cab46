// Cross-sell shelves: the cart's "Complete your purchase" and the product page's "Goes well with"
// offer what goes with the cart or the product, never more of the same, ordered on the device by
// the shopper's own taste. What leaves the device is the page's own context, never the history.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { captureRequests, historyIdsIn } from './support/capture';
import { storedEvents, waitForStored } from './support/storage';
import { cardIds, slotStatus, WAIT_FOR_MODEL } from './support/widget';

interface Item {
  item_id: string;
  item_brand: string;
  item_category2: string;
  price: number;
}

/** The shopper's taste: one brand, and the dear end of each subcategory. */
const BRAND = 'Alpenglow';
const DEAR = 0.6;
const CROSS_SELL = 'cross-sell';

/** Catalog items by id, with each one's price position in its subcategory (0 cheapest .. 1 dearest). */
async function catalogOf(page: Page): Promise<{ items: Map<string, Item>; position: Map<string, number> }> {
  const res = await page.request.get('/api/catalog');
  expect(res.ok()).toBe(true);
  const list = ((await res.json()) as { items: Item[] }).items;
  const position = new Map<string, number>();
  for (const sub of new Set(list.map((i) => i.item_category2))) {
    const members = list.filter((i) => i.item_category2 === sub).sort((a, b) => a.price - b.price);
    members.forEach((m, r) => position.set(m.item_id, r / (members.length - 1)));
  }
  return { items: new Map(list.map((i) => [i.item_id, i])), position };
}

/** Views each product, then puts the last one in the cart and opens the cart; returns the cart shelf's cards. */
async function browseThenCart(page: Page, viewed: string[]): Promise<string[]> {
  for (const id of viewed) {
    await page.goto(`/p/${id}?${WAIT_FOR_MODEL}`);
    await waitForStored(page, 'view_item', id);
  }
  const tent = viewed.at(-1)!;
  await page.click('#add-to-cart');
  await waitForStored(page, 'add_to_cart', tent);
  await page.goto(`/cart?${WAIT_FOR_MODEL}`);
  await expect(page.getByRole('heading', { name: 'Complete your purchase' })).toBeVisible();
  const status = await slotStatus(page, CROSS_SELL);
  expect(status.source).toBe('model');
  const shown = await cardIds(page, CROSS_SELL);
  expect(shown).toEqual(status.shown);
  return shown;
}

async function shopper(browser: Browser, viewed: string[]) {
  const context = await browser.newContext();
  const capture = captureRequests(context);
  const page = await context.newPage();
  const shown = await browseThenCart(page, viewed);
  const history = new Set((await storedEvents(page)).map((e) => e.item_id));
  const requests = await capture.settle();
  await context.close();
  return { shown, history, requests };
}

test('the cart shelf offers other categories, led by the brand and price range the shopper browsed', async ({ browser, page }) => {
  const { items, position } = await catalogOf(page);
  const all = [...items.values()];
  const dearest = (sub: string, n: number) =>
    all.filter((i) => i.item_category2 === sub && i.item_brand === BRAND).sort((a, b) => b.price - a.price).slice(0, n).map((i) => i.item_id);
  // The shopper looks at the brand's dearest outdoor gear, then puts in the cart a tent that is
  // neither (the cheapest of another brand), so what rises comes from the browsing, not the tent.
  const taste = [...dearest('Tents', 3), ...dearest('Camping Gear', 1), ...dearest('Backpacks', 1)];
  expect(taste).toHaveLength(5);
  const tent = all.filter((i) => i.item_category2 === 'Tents' && i.item_brand !== BRAND).sort((a, b) => a.price - b.price)[0]!.item_id;

  const fresh = await shopper(browser, [tent]);
  const browsed = await shopper(browser, [...taste, tent]);

  const fits = (ids: string[]) => ids.filter((id) => items.get(id)!.item_brand === BRAND || position.get(id)! >= DEAR).length;
  for (const { shown } of [fresh, browsed]) {
    expect(shown).toHaveLength(6);
    // Complements: none of the tent's own subcategory, the tent itself never.
    for (const id of shown) expect(items.get(id)!.item_category2, id).not.toBe('Tents');
  }
  const subcategories = new Set(browsed.shown.map((id) => items.get(id)!.item_category2));
  console.log(`cart shelf for tent ${tent}: ${fits(fresh.shown)}/6 ${BRAND} or dear for a fresh shopper, ${fits(browsed.shown)}/6 after browsing ${BRAND}'s dear gear; subcategories ${[...subcategories].join(', ')}`);
  expect(fits(browsed.shown)).toBeGreaterThan(fits(fresh.shown));

  // What left the device: the cart page's context (the store's own cart) and nothing of the history.
  for (const { requests, history } of [fresh, browsed]) {
    const crossSell = requests.filter((r) => new URL(r.url).searchParams.get('slot') === CROSS_SELL);
    expect(crossSell.map((r) => new URL(r.url).searchParams.get('context_items'))).toContain(tent);
    for (const r of requests) expect(historyIdsIn(r, history, [tent]), r.url).toEqual([]);
  }
});

test('the product page shelf goes with the product: none of its own subcategory', async ({ page }) => {
  const { items } = await catalogOf(page);
  const tent = [...items.values()].find((i) => i.item_category2 === 'Tents')!;
  await page.goto(`/p/${tent.item_id}`);
  await expect(page.getByRole('heading', { name: 'Goes well with' })).toBeVisible();
  const status = await slotStatus(page, CROSS_SELL);
  expect(status.shown).toHaveLength(6);
  for (const id of status.shown) expect(items.get(id)!.item_category2).not.toBe('Tents');
  expect(await cardIds(page, CROSS_SELL)).toEqual(status.shown);
});
