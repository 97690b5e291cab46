import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../worker/history';
import { complementMask, withContext } from './context';

const ev = (item_id: string, type: string, category = 'Outdoor>Tents', brand = 'Alpenglow'): HistoryEvent => ({ item_id, type, category, brand });

describe('withContext', () => {
  const history = [ev('t1', 'view_item'), ev('b1', 'view_item', 'Shoes>Boots', 'Peakstep'), ev('t1', 'add_to_cart')];

  it('adds the context items as the newest add-to-cart events, with the features the history knows', () => {
    expect(withContext(history, ['b1', 'x9'])).toEqual([
      ...history,
      { type: 'add_to_cart', item_id: 'b1', category: 'Shoes>Boots', brand: 'Peakstep' },
      { type: 'add_to_cart', item_id: 'x9', category: '', brand: '' },
    ]);
  });

  it('leaves the history alone when the context is its newest events already, or empty', () => {
    expect(withContext(history, ['t1'])).toBe(history);
    expect(withContext(history, ['t1', 'b1'])).toBe(history);
    expect(withContext([ev('t1', 'view_item')], ['t1'])).toEqual([ev('t1', 'view_item')]);
    expect(withContext(history, [])).toBe(history);
    // Seen before, but not among the newest: the shopper has browsed on since.
    expect(withContext([...history, ev('x1', 'view_item')], ['t1']).at(-1)).toMatchObject({ item_id: 't1', type: 'add_to_cart', category: 'Outdoor>Tents' });
  });
});

describe('complementMask', () => {
  const history = [ev('t1', 'add_to_cart'), ev('k1', 'view_item', 'Kitchen', 'Chefline')];
  const items = [
    { item_id: 't1', category: 'Outdoor>Tents' },
    { item_id: 't2', category: 'Outdoor > Tents' },
    { item_id: 'g1', category: 'Outdoor>Camping Gear' },
    { item_id: 'k2', category: 'Kitchen>Knives' },
    { item_id: 'k3', category: 'Kitchen' },
    { item_id: 'n1' },
  ];

  it('drops the context items and their subcategories (or one-level categories)', () => {
    expect(complementMask(items, history, ['t1', 'k1'])).toEqual([false, false, true, true, false, true]);
  });

  it('keeps everything without a context, and only drops the ids of context items it does not know', () => {
    expect(complementMask(items, history, [])).toEqual(items.map(() => true));
    expect(complementMask(items, history, ['g1'])).toEqual([true, true, false, true, true, true]);
  });
});
