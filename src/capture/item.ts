import type { StoredEvent } from '../shared/types';

/** Longest string we keep from a page: tags sometimes push whole descriptions or HTML. */
export const MAX_TEXT = 200;

/** The item-derived part of a StoredEvent. */
export type ItemFields = Pick<StoredEvent, 'item_id' | 'category' | 'brand' | 'name' | 'price'>;

type Raw = Record<string, unknown>;

const CATEGORY_KEYS = ['item_category', 'item_category2', 'item_category3', 'item_category4', 'item_category5'];

function cap(s: string): string {
  // Cutting mid surrogate pair would leave an unpaired half in the store.
  return s.length <= MAX_TEXT ? s : s.slice(0, MAX_TEXT).replace(/[\uD800-\uDBFF]$/, '');
}

function cleanText(v: unknown): string {
  return typeof v === 'string' ? cap(v.trim()) : '';
}

function cleanId(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return cleanText(v);
}

/** Numbers and plain numeric strings ("19.99") are prices; "$19.99", NaN, negatives are not. */
function cleanPrice(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Levels joined by '>'. Many stores push a whole path in item_category ("Shoes > Running"),
 *  so each level is split on '>' too; that keeps paths comparable across stores. */
function categoryPath(item: Raw): string {
  const parts: string[] = [];
  for (const key of CATEGORY_KEYS) {
    const level = item[key];
    if (typeof level !== 'string') continue;
    for (const part of level.split('>')) {
      const p = part.trim();
      if (p) parts.push(p);
    }
  }
  return cap(parts.map(cap).join('>'));
}

/** One GA4 `items[]` entry -> the fields we store, or null when it has no usable item_id. */
export function parseItem(item: unknown): ItemFields | null {
  if (typeof item !== 'object' || item === null) return null;
  const raw = item as Raw;
  const item_id = cleanId(raw.item_id);
  if (!item_id) return null;
  const fields: ItemFields = { item_id, category: categoryPath(raw), brand: cleanText(raw.item_brand) };
  const name = cleanText(raw.item_name);
  if (name) fields.name = name;
  const price = cleanPrice(raw.price);
  if (price !== undefined) fields.price = price;
  return fields;
}
