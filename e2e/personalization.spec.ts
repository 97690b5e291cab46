// The promise of the product: what a shopper looks at moves up their own shelf, and their
// history stays with them across pages and reloads.
import { expect, test, type Page } from '@playwright/test';
import { categoryIndex } from './support/catalog';
import { storedEvents, waitForStored } from './support/storage';
import { cardIds, debugNow, slotStatus, waitForEvents, WAIT_FOR_MODEL } from './support/widget';

const CATEGORY = 'Shoes';
const PRODUCTS_VIEWED = 4;

/** Opens the n-th product of the current category page by clicking it, and waits until the view is stored. */
async function viewProduct(page: Page, n: number): Promise<string> {
  await page.locator('.product-grid a.card-link').nth(n).click();
  const id = await page.locator('article.product').getAttribute('data-item-id');
  expect(id).toBeTruthy();
  // A shopper reads the page for a while; the test waits only as long as the write takes.
  await waitForStored(page, 'view_item', id!);
  // The storefront's select_item, pushed as the link was followed, is not lost with the old page.
  await waitForStored(page, 'select_item', id!);
  return id!;
}

test('viewing one category makes it rise in the for-you shelf', async ({ page, request }) => {
  const categoryOf = await categoryIndex(request);
  const inCategory = (ids: string[]) => ids.filter((id) => categoryOf.get(id) === CATEGORY).length;

  // A fresh shopper: no history, so the shelf shows the server's popularity order.
  await page.goto(`/?${WAIT_FOR_MODEL}`);
  const fresh = await slotStatus(page, 'for-you');
  expect(fresh.source).toBe('server');
  const before = inCategory(await cardIds(page, 'for-you'));

  // Browse one category by real navigation: nav link, product cards, breadcrumb back.
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: CATEGORY }).click();
  for (let n = 0; n < PRODUCTS_VIEWED; n++) {
    const id = await viewProduct(page, n);
    expect(categoryOf.get(id)).toBe(CATEGORY);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: CATEGORY, exact: true }).click();
  }
  await page.locator('a.logo').click();
  await page.reload();

  const after = await slotStatus(page, 'for-you');
  expect(['model', 'cache']).toContain(after.source);
  const shown = await cardIds(page, 'for-you');
  expect(shown).toEqual(after.shown);
  const afterCount = inCategory(shown);
  console.log(`${CATEGORY} cards in for-you: ${before} fresh -> ${afterCount} after ${PRODUCTS_VIEWED} views (${after.source}, ${(await debugNow(page)).backend})`);
  expect(afterCount).toBeGreaterThan(before);
});

test('history survives a reload and is shared with a new page of the same shopper', async ({ page, context }) => {
  await page.goto('/p/SKU-1045');
  await waitForStored(page, 'view_item', 'SKU-1045');
  const kept = (await storedEvents(page)).map((e) => e.id);
  const before = await waitForEvents(page, kept.length);

  await page.reload();
  // Everything stored before the reload is still there (the reload adds its own view on top).
  expect((await storedEvents(page)).map((e) => e.id)).toEqual(expect.arrayContaining(kept));
  const afterReload = await waitForEvents(page, before + 1);

  const second = await context.newPage();
  await second.goto('/');
  expect((await storedEvents(second)).map((e) => e.id)).toEqual(expect.arrayContaining(kept));
  // The home page's own events (its product list, the shelf's impressions) add to the same history.
  await waitForEvents(second, afterReload + 1);
  await second.close();
});
