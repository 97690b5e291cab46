// The demo server's own view of things, so tests agree with it rather than hard-coding data.
import { expect, type APIRequestContext } from '@playwright/test';

interface CatalogItem {
  item_id: string;
  item_category: string;
}

/** item_id -> top-level category, from GET /api/catalog. */
export async function categoryIndex(request: APIRequestContext): Promise<Map<string, string>> {
  const res = await request.get('/api/catalog');
  expect(res.ok()).toBe(true);
  const { items } = (await res.json()) as { items: CatalogItem[] };
  return new Map(items.map((i) => [i.item_id, i.item_category]));
}

/** The first `count` ids of the server's own order for a slot (what a shelf shows unpersonalized). */
export async function serverOrder(request: APIRequestContext, slot: string, count: number, contextItem?: string): Promise<string[]> {
  const params = new URLSearchParams({ slot, limit: '50', ...(contextItem ? { context_item: contextItem } : {}) });
  const res = await request.get(`/api/candidates?${params}`);
  expect(res.ok()).toBe(true);
  const { items } = (await res.json()) as { items: { item_id: string }[] };
  return items.slice(0, count).map((i) => i.item_id);
}
