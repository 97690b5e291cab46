// The shopper's controls as a test drives them: the catalog's own view of items, the dismissed
// list as IndexedDB holds it, and the popover, the dialog and their contents through the DOM.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { readObjectStore } from './storage';
import { slotSelector } from './widget';

export interface CatalogEntry {
  item_id: string;
  item_name: string;
  item_brand: string;
  item_category: string;
  item_category2: string;
}

/** Every item of the demo catalog, by id (GET /api/catalog). */
export async function catalog(request: APIRequestContext): Promise<Map<string, CatalogEntry>> {
  const res = await request.get('/api/catalog');
  expect(res.ok()).toBe(true);
  const { items } = (await res.json()) as { items: CatalogEntry[] };
  return new Map(items.map((i) => [i.item_id, i]));
}

/** Item ids in the `dismissed` object store, or [] when there is no database. */
export function storedDismissed(page: Page): Promise<string[]> {
  return readObjectStore<string>(page, 'dismissed', 'getAllKeys');
}

/** The "Your data" dialog, wherever it was opened (a shelf's shadow root or its own host). */
export function dataDialog(page: Page): Locator {
  return page.locator('dialog.dlg');
}

/** The card slides of a shelf, in order. */
export function slides(page: Page, slot: string): Locator {
  return page.locator(`${slotSelector(slot)} .sl`);
}

/** Adds a slot showing `count` cards to the current page and has the widget render it: with the
 *  candidate limit's 50, a shelf that shows the model's whole order. */
export async function addProbeSlot(page: Page, name: string, count = 50): Promise<void> {
  await page.evaluate(
    ([slot, n]) => {
      const el = document.createElement('div');
      el.dataset.shelfwiseSlot = slot;
      el.dataset.shelfwiseCount = String(n);
      document.body.appendChild(el);
      (window as unknown as { shelfwise: { push(c: unknown): void } }).shelfwise.push(['render']);
    },
    [name, count] as const,
  );
}
