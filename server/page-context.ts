// What one page render needs to know about its request: the CSP nonce, the consent mode asked for
// in the URL, widget attribute overrides, and how to write internal links that keep both.
import type { Catalog } from './catalog';
import { createNonce } from './csp';

type ConsentMode = 'opt-in' | 'opt-out';

export interface PageContext {
  catalog: Catalog;
  nonce: string;
  consentMode: ConsentMode;
  /** Extra data-* attributes for the widget tag, from `?sw-<name>=<value>` (test convenience). */
  widgetOverrides: Record<string, string>;
  /** Query string (with "?", or "") that internal links carry to stay in the same mode. */
  query: string;
  href(path: string): string;
}

const OVERRIDE_NAME = /^sw-([a-z][a-z0-9-]{0,30})$/;
const OVERRIDE_VALUE = /^[\w./:,-]{0,200}$/;
// The attributes the page itself sets stay under the page's control.
const FIXED_ATTRIBUTES = new Set(['consent', 'site']);

export function createPageContext(url: URL, catalog: Catalog): PageContext {
  const consentMode: ConsentMode = url.searchParams.get('consent') === 'opt-in' ? 'opt-in' : 'opt-out';
  const kept = new URLSearchParams();
  if (consentMode === 'opt-in') kept.set('consent', 'opt-in');
  const widgetOverrides: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    const name = OVERRIDE_NAME.exec(key)?.[1];
    if (!name || FIXED_ATTRIBUTES.has(name) || !OVERRIDE_VALUE.test(value)) continue;
    widgetOverrides[name] = value;
    kept.set(key, value);
  }
  const query = kept.size > 0 ? `?${kept.toString()}` : '';
  return { catalog, nonce: createNonce(), consentMode, widgetOverrides, query, href: (path) => path + query };
}
