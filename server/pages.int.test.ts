import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byPopularity, getCatalog } from './catalog';
import { startTestServer, type TestServer } from './test-helpers';

const WIDGET_TAG =
  /<script async src="\/shelfwise\.js" data-site="demo" data-candidates="\/api\/candidates" data-sync="\/api\/fl" data-consent="(opt-in|opt-out)"[^>]*><\/script>/;

describe('storefront pages', () => {
  const catalog = getCatalog();
  let server: TestServer;
  const page = async (path: string) => {
    const res = await fetch(server.url + path);
    return { res, html: await res.text(), csp: res.headers.get('content-security-policy') ?? '' };
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Every script and style in the page is allowed by the response's own strict CSP. */
  function expectStrictCsp(html: string, csp: string): void {
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline/);
    const tags = [...html.matchAll(/<(script|style)\b([^>]*)>/g)];
    expect(tags.length).toBeGreaterThan(0);
    for (const [, kind, attrs] of tags) {
      if (kind === 'script' && /\bsrc=/.test(attrs!)) continue;
      expect(attrs).toContain(`nonce="${nonce}"`);
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // inline event handlers would be blocked
    expect(html).not.toMatch(/\sstyle=/i); // inline style attributes would be blocked
  }

  /** The JSON object literal pushed for `event`, parsed back from the page's script. */
  function scriptData(html: string, name: string): unknown {
    const match = new RegExp(`var ${name} = (.+);\\n`).exec(html);
    expect(match, `var ${name}`).toBeTruthy();
    return JSON.parse(match![1]!);
  }

  it('renders the home page with the for-you slot and a popular grid', async () => {
    const { res, html, csp } = await page('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectStrictCsp(html, csp);
    expect(html).toMatch(WIDGET_TAG);
    expect(WIDGET_TAG.exec(html)![1]).toBe('opt-out');
    expect(html).toContain('<div data-shelfwise-slot="for-you" data-shelfwise-count="8"></div>');
    expect(html).toContain('Recommended for you');
    expect(html).toContain("dataLayer.push({ ecommerce: null });");
    expect(html).toContain("dataLayer.push({ event: 'view_item_list'");
    for (const c of catalog.categories) expect(html).toContain(`href="/c/${c.slug}"`);
    const top = byPopularity(catalog.items)[0]!;
    expect(html).toContain(`href="/p/${top.item_id}"`);
    expect(html).not.toMatch(/<!--(title|head|content|scripts|nav|bar|banner|footer)-->/);
  });

  it('gives each response its own nonce', async () => {
    const [a, b] = await Promise.all([page('/'), page('/')]);
    expect(a.csp).not.toBe(b.csp);
  });

  it.each(['shoes', 'running-shoes'])('renders category %s with view_item_list, select_item and the for-you slot', async (slug) => {
    const { res, html, csp } = await page(`/c/${slug}`);
    expect(res.status).toBe(200);
    expectStrictCsp(html, csp);
    expect(html).toMatch(WIDGET_TAG);
    expect(html).toContain("event: 'view_item_list'");
    expect(html).toContain("event: 'select_item'");
    expect(html).toContain(`data-sf-list="${slug}"`);
    expect(html).toContain('<div data-shelfwise-slot="for-you" data-shelfwise-count="8"></div>');
    const list = scriptData(html, 'list') as { item_list_id: string; item_list_name: string };
    expect(list.item_list_id).toBe(slug);
    const items = scriptData(html, 'items') as { item_id: string; index: number; item_category: string; quantity: number }[];
    expect(items).toHaveLength(slug === 'shoes' ? 30 : 10);
    expect(items.map((i) => i.index)).toEqual(items.map((_, n) => n));
    expect(new Set(items.map((i) => i.item_category))).toEqual(new Set(['Shoes']));
    expect(items[0]).toMatchObject({ quantity: 1 });
    expect(Object.keys(items[0]!)).toEqual(expect.arrayContaining(['item_id', 'item_name', 'item_brand', 'item_category', 'item_category2', 'price']));
  });

  it('renders a product page with view_item, add_to_cart, the related and the cross-sell slots', async () => {
    const item = catalog.items[17]!;
    const { res, html, csp } = await page(`/p/${item.item_id}`);
    expect(res.status).toBe(200);
    expectStrictCsp(html, csp);
    expect(html).toMatch(WIDGET_TAG);
    expect(html).toContain("event: 'view_item', ecommerce: { currency: currency, value: item.price, items: [item] }");
    expect(html).toContain("event: 'add_to_cart'");
    expect(html).toContain('<button id="add-to-cart"');
    expect(html).toContain(
      `<div data-shelfwise-slot="related" data-shelfwise-count="6" data-shelfwise-context-item="${item.item_id}"></div>`,
    );
    expect(html).toContain('<h2>Goes well with</h2>');
    expect(html).toContain(
      `<div data-shelfwise-slot="cross-sell" data-shelfwise-count="6" data-shelfwise-context-items="${item.item_id}"></div>`,
    );
    expect(scriptData(html, 'item')).toEqual({
      item_id: item.item_id, item_name: item.item_name, item_brand: item.item_brand,
      item_category: item.item_category, item_category2: item.item_category2, price: item.price, quantity: 1,
    });
    expect(scriptData(html, 'currency')).toBe('EUR');
  });

  it.each(['/p/SKU-0000', '/p/%E0%A4%A', '/c/nope', '/no-such-page'])('answers 404 with a store page for %s', async (path) => {
    const { res, html, csp } = await page(path);
    expect(res.status).toBe(404);
    expectStrictCsp(html, csp);
    expect(html).toMatch(/couldn't find/);
  });

  it('renders the cart with a purchase push behind #place-order', async () => {
    const { res, html, csp } = await page('/cart');
    expect(res.status).toBe(200);
    expectStrictCsp(html, csp);
    expect(html).toMatch(WIDGET_TAG);
    expect(html).toContain('id="place-order"');
    // The cross-sell shelf is a placeholder until the cart script knows what is in the cart.
    expect(html).toMatch(/<section id="cart-shelf" class="shelf" hidden>\s*<h2>Complete your purchase<\/h2>\s*<div id="cart-cross-sell" data-shelfwise-count="6"/);
    expect(html).not.toContain('data-shelfwise-slot="cross-sell"');
    expect(html).toContain("event: 'purchase', ecommerce: { transaction_id: transactionId, value: sum(lines), currency: currency, items: lines }");
  });

  it('renders /inline with 12 inline candidates from 3 categories', async () => {
    const { res, html, csp } = await page('/inline');
    expect(res.status).toBe(200);
    expectStrictCsp(html, csp);
    const slot = /<div data-shelfwise-slot="inline-demo" data-shelfwise-count="6"><script type="application\/json"[^>]*>(.*?)<\/script><\/div>/s.exec(html);
    expect(slot).toBeTruthy();
    const { items } = JSON.parse(slot![1]!) as { items: { item_id: string; item_category: string; score: number; url: string; image: string }[] };
    expect(items).toHaveLength(12);
    expect(new Set(items.map((i) => i.item_category)).size).toBe(3);
    expect(items.every((i) => i.url === `/p/${i.item_id}` && i.image === `/img/${i.item_id}.png`)).toBe(true);
  });

  it('switches to opt-in consent with a banner, and keeps the mode on internal links', async () => {
    const { html, csp } = await page('/c/shoes?consent=opt-in');
    expectStrictCsp(html, csp);
    expect(WIDGET_TAG.exec(html)![1]).toBe('opt-in');
    expect(html).toContain('id="sw-consent-accept"');
    expect(html).toContain('id="sw-consent-decline"');
    expect(html).toContain("window.shelfwise = window.shelfwise || [];");
    expect(html).toContain("shelfwise.push(['consent', choice]);");
    expect(html).toContain('href="/c/apparel?consent=opt-in"');
    expect(html).toContain('href="/cart?consent=opt-in"');
    expect(html).toMatch(/href="\/p\/SKU-\d+\?consent=opt-in"/);
    expect(html).not.toMatch(/href="\/(c|p)\/[^"?]+"/);

    const plain = await page('/c/shoes?consent=bogus');
    expect(plain.html).not.toContain('id="sw-consent-accept"');
    expect(WIDGET_TAG.exec(plain.html)![1]).toBe('opt-out');
  });

  it('passes sw-* query overrides to the widget tag, escaped and without touching site/consent', async () => {
    const { html } = await page('/?sw-backend=cpu&sw-site=evil&sw-consent=opt-in&sw-x=%22%3E%3Cscript%3E');
    expect(html).toMatch(/<script async src="\/shelfwise\.js"[^>]* data-backend="cpu"/);
    expect(html).toContain('data-site="demo"');
    expect(html).toContain('data-consent="opt-out"');
    expect(html).not.toContain('data-x=');
    expect(html).toContain('href="/cart?sw-backend=cpu"');
  });
});
