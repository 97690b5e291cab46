// Candidate data comes from the merchant's server and is not trusted to be well formed:
// everything the shelf shows passes through here, so rendering itself never meets a bad value.
import type { Candidate } from '../shared/types';

/** Drops entries without an id (they could not be keyed or reported) and repeated ids. */
export function cleanItems(items: unknown): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    const id = item && text(item.item_id);
    if (!id || seen.has(id)) continue;
    seen.add(id);
    // The caller's own object goes back to its callbacks whenever the id was already clean.
    out.push(item.item_id === id ? item : { ...item, item_id: id });
  }
  return out;
}

/** A display string, or '' for anything that is not a string or a finite number. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : Number.isFinite(value) ? String(value) : '';
}

/** Only http(s) links (resolved against the page): a `javascript:` URL must never be clickable. */
export function safeUrl(url: unknown): string | undefined {
  try {
    const u = text(url) && new URL(text(url), location.href);
    return u && /^https?:$/.test(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const formats = new Map<string, Intl.NumberFormat>();

/** The price in the page's language and the item's currency; '' when there is no price. */
export function formatPrice(price: unknown, currency: unknown): string {
  const n = typeof price === 'string' && price.trim() ? Number(price) : price;
  if (typeof n !== 'number' || !Number.isFinite(n)) return '';
  const lang = document.documentElement.lang;
  const cur = text(currency).toUpperCase();
  const key = lang + ' ' + cur;
  let f = formats.get(key);
  // A malformed page lang or unknown currency code throws: degrade to a plain number.
  if (!f) formats.set(key, (f = make(lang, cur) ?? make('', cur) ?? make('', '')!));
  return f.format(n);
}

function make(lang: string, cur: string): Intl.NumberFormat | undefined {
  try {
    const opts: Intl.NumberFormatOptions = cur
      ? { style: 'currency', currency: cur }
      : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    return new Intl.NumberFormat(lang || undefined, opts);
  } catch {
    return undefined;
  }
}
