// A tiny model and histories for tests that run on every backend.
import type { ModelConfig } from '../plain/config';
import type { EventLike, ItemLike } from '../plain/features';

export const TINY: ModelConfig = {
  dim: 8,
  maxLen: 6,
  itemBuckets: 64,
  itemHashes: 2,
  categoryBuckets: 32,
  categoryLevels: 2,
  brandBuckets: 16,
  blocks: 2,
  heads: 2,
  ffnMult: 2,
};

const CATS = ['Shoes>Running', 'Shoes>Trail', 'Kitchen>Knives', 'Home>Lamps'];

export const ITEMS: ItemLike[] = Array.from({ length: 24 }, (_, i) => ({
  item_id: `SKU-${i}`,
  category: CATS[i % CATS.length],
  brand: `b${i % 3}`,
}));

export const HISTORY: EventLike[] = [0, 4, 8, 12].map((i, k) => ({ ...ITEMS[i], type: k === 3 ? 'add_to_cart' : 'view_item' }));

/** Longer than TINY's window (maxLen + 1 events are read), with a repeated item among them. */
export const LONG_HISTORY: EventLike[] = [1, 5, 9, 13, 2, 6, 10, 14, 9].map((i, k) => ({ ...ITEMS[i], type: k % 3 === 2 ? 'add_to_cart' : 'view_item' }));
