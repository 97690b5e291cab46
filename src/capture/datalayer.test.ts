import { describe, expect, it } from 'vitest';
import { eventsFromDataLayer } from './datalayer';
import { MAX_ITEMS_PER_EVENT } from './events';
import { MAX_TEXT } from './item';

const clock = () => 1_700_000_000_000;
function gtagArgs(..._args: unknown[]): IArguments {
  return arguments;
}
const shoe = {
  item_id: 'SKU_1',
  item_name: 'Trail Runner',
  item_brand: 'Acme',
  item_category: 'Shoes',
  item_category2: 'Running',
  price: 89.5,
  quantity: 1,
  index: 0,
};
const shoeRecord = {
  type: 'view_item',
  item_id: 'SKU_1',
  category: 'Shoes>Running',
  brand: 'Acme',
  name: 'Trail Runner',
  price: 89.5,
  ts: 1_700_000_000_000,
  source: 'datalayer',
};

describe('eventsFromDataLayer: GTM object style', () => {
  it('turns each item into one record', () => {
    const entry = { event: 'view_item', ecommerce: { currency: 'EUR', value: 89.5, items: [shoe] } };
    expect(eventsFromDataLayer(entry, clock)).toStrictEqual([shoeRecord]);
  });

  it('understands every GA4 ecommerce event name', () => {
    const names = ['view_item_list', 'select_item', 'view_item', 'add_to_wishlist', 'add_to_cart',
      'remove_from_cart', 'begin_checkout', 'purchase'];
    for (const event of names) {
      expect(eventsFromDataLayer({ event, ecommerce: { items: [shoe] } }, clock)[0]?.type).toBe(event);
    }
  });

  it('ignores clears, GTM lifecycle events, page views and unknown events', () => {
    for (const entry of [
      { ecommerce: null },
      { event: 'gtm.js', 'gtm.start': 1 },
      { event: 'page_view', ecommerce: { items: [shoe] } },
      { event: 'refund', ecommerce: { items: [shoe] } },
      { event: 'view_item' },
      { ecommerce: { items: [shoe] } },
    ]) {
      expect(eventsFromDataLayer(entry, clock)).toEqual([]);
    }
  });

  it("refuses the widget's own event names, so a page cannot forge them", () => {
    expect(eventsFromDataLayer({ event: 'shelfwise_click', ecommerce: { items: [shoe] } }, clock)).toEqual([]);
    expect(eventsFromDataLayer(['event', 'shelfwise_impression', { items: [shoe] }], clock)).toEqual([]);
  });

  it('uses the supplied clock, once per entry', () => {
    let t = 10;
    const out = eventsFromDataLayer(
      { event: 'view_item_list', ecommerce: { items: [shoe, { ...shoe, item_id: 'SKU_2' }] } },
      () => t++,
    );
    expect(out.map((e) => e.ts)).toEqual([10, 10]);
  });
});

describe('eventsFromDataLayer: gtag style', () => {
  it('reads the arguments object gtag pushes', () => {
    const out = eventsFromDataLayer(gtagArgs('event', 'add_to_cart', { currency: 'EUR', items: [shoe] }), clock);
    expect(out).toStrictEqual([{ ...shoeRecord, type: 'add_to_cart' }]);
  });

  it('reads real arrays too', () => {
    expect(eventsFromDataLayer(['event', 'purchase', { items: [shoe] }], clock)).toStrictEqual([
      { ...shoeRecord, type: 'purchase' },
    ]);
  });

  it('ignores config, set, js, consent and short commands', () => {
    for (const entry of [
      gtagArgs('js', new Date()),
      gtagArgs('config', 'G-XXXX', { send_page_view: true }),
      gtagArgs('set', { items: [shoe] }),
      gtagArgs('consent', 'default', { personalization_storage: 'granted' }),
      gtagArgs('event', 'view_item'),
      gtagArgs('event'),
      gtagArgs(),
      [],
    ]) {
      expect(eventsFromDataLayer(entry, clock)).toEqual([]);
    }
  });
});

describe('eventsFromDataLayer: item fields', () => {
  const one = (item: unknown) => eventsFromDataLayer(['event', 'view_item', { items: [item] }], clock);

  it('skips items without a usable item_id (GA4 allows item_name alone)', () => {
    for (const item of [
      { item_name: 'Only a name' },
      { item_id: '' },
      { item_id: '   ' },
      { item_id: null },
      { item_id: NaN },
      { item_id: Infinity },
      { item_id: true },
      { item_id: { id: 1 } },
      { item_id: ['a'] },
    ]) {
      expect(one(item)).toEqual([]);
    }
  });

  it('stringifies numeric ids and trims strings', () => {
    expect(one({ item_id: 12345 })[0]?.item_id).toBe('12345');
    expect(one({ item_id: 0 })[0]?.item_id).toBe('0');
    const rec = one({ item_id: '  A1 ', item_name: ' Hat  ', item_brand: '\tAcme\n' })[0];
    expect(rec).toMatchObject({ item_id: 'A1', name: 'Hat', brand: 'Acme' });
  });

  it('caps long strings without leaving half a surrogate pair', () => {
    const rec = one({ item_id: 'x'.repeat(5000), item_name: 'y'.repeat(MAX_TEXT - 1) + '😀' })[0]!;
    expect(rec.item_id).toHaveLength(MAX_TEXT);
    expect(rec.name).toBe('y'.repeat(MAX_TEXT - 1));
  });

  it('joins category levels with ">", skipping empty and non-string levels', () => {
    const rec = one({
      item_id: 'a',
      item_category: 'Apparel',
      item_category2: '',
      item_category3: 42,
      item_category4: ' Men ',
      item_category5: 'Shirts',
    })[0];
    expect(rec?.category).toBe('Apparel>Men>Shirts');
  });

  it('normalises a whole path pushed in one level', () => {
    expect(one({ item_id: 'a', item_category: 'Shoes > Running >', item_category2: 'Trail' })[0]?.category).toBe(
      'Shoes>Running>Trail',
    );
  });

  it('defaults category and brand to "" and omits missing name and price', () => {
    expect(one({ item_id: 'a' })).toStrictEqual([
      { type: 'view_item', item_id: 'a', category: '', brand: '', ts: clock(), source: 'datalayer' },
    ]);
  });

  it('keeps numeric prices and plain numeric strings, drops weird ones', () => {
    const price = (p: unknown) => one({ item_id: 'a', price: p })[0]?.price;
    expect(price(19.99)).toBe(19.99);
    expect(price(0)).toBe(0);
    expect(price('19.99')).toBe(19.99);
    expect(price(' 7 ')).toBe(7);
    for (const p of ['$19.99', '19,99', '', 'abc', '-5', -5, NaN, Infinity, null, {}, [], true, '1e3']) {
      expect(price(p)).toBeUndefined();
    }
  });

  it('caps huge item arrays and bounds the work on junk-filled ones', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ item_id: `id${i}` }));
    const out = eventsFromDataLayer({ event: 'view_item_list', ecommerce: { items: many } }, clock);
    expect(out).toHaveLength(MAX_ITEMS_PER_EVENT);
    expect(out[0]?.item_id).toBe('id0');
    expect(out.at(-1)?.item_id).toBe(`id${MAX_ITEMS_PER_EVENT - 1}`);

    const junkFirst = [...Array.from({ length: 10_000 }, () => null), { item_id: 'late' }];
    expect(eventsFromDataLayer(['event', 'view_item_list', { items: junkFirst }], clock)).toEqual([]);
  });

  it('keeps one record per distinct item in an event', () => {
    const out = eventsFromDataLayer(['event', 'view_item_list', { items: [shoe, shoe, { item_id: 'b' }] }], clock);
    expect(out.map((e) => e.item_id)).toEqual(['SKU_1', 'b']);
  });

  it('skips bad entries in items but keeps the good ones', () => {
    const out = eventsFromDataLayer(['event', 'view_item_list', { items: [null, 3, 'x', [], shoe] }], clock);
    expect(out.map((e) => e.item_id)).toEqual(['SKU_1']);
  });
});

describe('eventsFromDataLayer: malformed input never throws', () => {
  it('returns [] for junk', () => {
    const hostile = new Proxy({}, {
      get() {
        throw new Error('boom');
      },
    });
    const throwingItem = { get item_id(): string { throw new Error('getter'); } };
    for (const entry of [
      null,
      undefined,
      0,
      42,
      'view_item',
      Symbol('x'),
      () => 1,
      hostile,
      { event: 'view_item', ecommerce: hostile },
      { event: 'view_item', ecommerce: { items: hostile } },
      { event: 'view_item', ecommerce: { items: 'SKU_1' } },
      { event: 'view_item', ecommerce: { items: { 0: shoe, length: 1 } } },
      { event: 'view_item', ecommerce: { items: [throwingItem] } },
      { event: 42, ecommerce: { items: [shoe] } },
      ['event', 'view_item', null],
      ['event', 'view_item', 'items'],
    ]) {
      expect(() => eventsFromDataLayer(entry, clock)).not.toThrow();
      expect(eventsFromDataLayer(entry, clock)).toEqual([]);
    }
  });

  it('returns [] when the clock is broken', () => {
    expect(eventsFromDataLayer(['event', 'view_item', { items: [shoe] }], () => NaN)).toEqual([]);
    const throwing = () => {
      throw new Error('clock');
    };
    expect(eventsFromDataLayer(['event', 'view_item', { items: [shoe] }], throwing)).toEqual([]);
  });
});
