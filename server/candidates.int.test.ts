import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONTEXT_ITEMS } from './candidates';
import { affinityPartners, byPopularity, findItem, getCatalog, type CatalogItem } from './catalog';
import { demoComplements } from './complements';
import { startTestServer, type TestServer } from './test-helpers';

interface Body {
  items: (Omit<CatalogItem, 'popularity'> & { score: number })[];
  error?: string;
}

describe('GET /api/candidates', () => {
  const catalog = getCatalog();
  const ranked = byPopularity(catalog.items);
  let server: TestServer;
  const get = async (query: string) => {
    const res = await fetch(`${server.url}/api/candidates${query}`);
    return { res, body: (await res.json()) as Body };
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('returns 50 candidates in popularity order by default, with GA4 fields and a score', async () => {
    const { res, body } = await get('?slot=for-you');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(body.items.map((i) => i.item_id)).toEqual(ranked.slice(0, 50).map((i) => i.item_id));
    const first = body.items[0]!;
    const { popularity: _p, ...fields } = ranked[0]!;
    expect(first).toEqual({ ...fields, score: 1 });
    const scores = body.items.map((i) => i.score);
    expect(scores).toEqual(scores.slice().sort((a, b) => b - a));
  });

  it('honours limit and caps it at 100', async () => {
    expect((await get('?slot=a&limit=5')).body.items).toHaveLength(5);
    expect((await get('?slot=a&limit=100')).body.items).toHaveLength(100);
    expect((await get('?slot=a&limit=5000')).body.items).toHaveLength(100);
  });

  it('orders around a context item: same subcategory, same top, affinity, rest', async () => {
    const context = findItem(catalog, 'SKU-1045')!;
    const { body } = await get(`?slot=related&limit=100&context_item=${context.item_id}`);
    expect(body.items).toHaveLength(100);
    expect(body.items.map((i) => i.item_id)).not.toContain(context.item_id);
    const partners = affinityPartners(catalog, context.item_category);
    const group = (i: Body['items'][number]) =>
      i.item_category === context.item_category ? (i.item_category2 === context.item_category2 ? 0 : 1) : partners.includes(i.item_category) ? 2 : 3;
    const groups = body.items.map(group);
    expect(groups).toEqual(groups.slice().sort((a, b) => a - b));
    expect(groups.filter((g) => g === 0)).toHaveLength(9);
    expect(groups.filter((g) => g === 1)).toHaveLength(20);
    expect(groups.filter((g) => g === 2)).toHaveLength(30);
    // Popularity order inside each group.
    for (const g of [0, 1, 2, 3]) {
      const scores = body.items.filter((i) => group(i) === g).map((i) => i.score);
      expect(scores).toEqual(scores.slice().sort((a, b) => b - a));
    }
    const { body: short } = await get(`?slot=related&limit=6&context_item=${context.item_id}`);
    expect(short.items.map((i) => i.item_category2)).toEqual(Array(6).fill(context.item_category2));
  });

  it('answers context_items with their complements: other subcategories, by co-purchase lift', async () => {
    const tent = catalog.items.find((i) => i.item_category2 === 'Tents')!;
    const mug = catalog.items.find((i) => i.item_category2 === 'Coffee')!;
    const { res, body } = await get(`?slot=cross-sell&limit=100&context_items=${tent.item_id},${mug.item_id},${tent.item_id}`);
    expect(res.status).toBe(200);
    const expected = demoComplements(catalog).around([tent, mug]);
    expect(body.items.map((i) => i.item_id)).toEqual(expected.map((i) => i.item_id));
    expect(body.items.length).toBeGreaterThan(20);
    const subs = new Set(body.items.map((i) => i.item_category2));
    expect(subs.has('Tents') || subs.has('Coffee')).toBe(false);
    expect(subs.has('Camping Gear') && subs.has('Cookware')).toBe(true);
    const { body: short } = await get(`?slot=cross-sell&limit=5&context_items=${tent.item_id}`);
    expect(short.items.map((i) => i.item_id)).toEqual(demoComplements(catalog).around([tent]).slice(0, 5).map((i) => i.item_id));
  });

  it.each([
    ['?slot=a&context_items=', /context_items/],
    ['?slot=a&context_items=SKU-1001,SKU-0000', /SKU-0000.*context_items/],
    ['?slot=a&context_items=SKU-1001,', /context_items/],
    ['?slot=a&context_items=SKU-1001&context_item=SKU-1002', /either/],
    [`?slot=a&context_items=${Array.from({ length: MAX_CONTEXT_ITEMS + 1 }, (_, i) => `SKU-${1001 + i}`).join(',')}`, /at most 20/],
  ])('answers 400 for bad context_items %s', async (query, pattern) => {
    const { res, body } = await get(query);
    expect(res.status).toBe(400);
    expect(body.error).toMatch(pattern);
  });

  it.each([
    ['', /slot/],
    ['?slot=', /slot/],
    ['?limit=5', /slot/],
    ['?slot=a b', /slot/],
    ['?slot=a&limit=0', /limit/],
    ['?slot=a&limit=-3', /limit/],
    ['?slot=a&limit=abc', /limit/],
    ['?slot=a&limit=2.5', /limit/],
    ['?slot=a&limit=', /limit/],
    ['?slot=a&context_item=SKU-0000', /context_item/],
    ['?slot=a&context_item=', /context_item/],
    ['?slot=a&limit=%ZZ', /limit/],
  ])('answers 400 with a clear error for %s', async (query, pattern) => {
    const { res, body } = await get(query);
    expect(res.status).toBe(400);
    expect(body.error).toMatch(pattern);
  });

  it('serves the whole catalog at /api/catalog', async () => {
    const res = await fetch(`${server.url}/api/catalog`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(catalog)));
  });
});
