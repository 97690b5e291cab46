// Every request a browser context makes, from its pages and from their workers, with all headers
// and the body as sent, so a test checks what left the device rather than what the widget says.
import type { BrowserContext, Request } from '@playwright/test';
import type { StoredEventRow } from './storage';

export interface Captured {
  url: string;
  method: string;
  resourceType: string;
  navigation: boolean;
  /** Lower-case names, as sent (cookies included). */
  headers: Record<string, string>;
  body: Buffer | null;
  /** Response status; null when none came (aborted, page left). */
  status: number | null;
}

export interface Capture {
  /** Everything requested so far, once the headers and answers of requests in flight are in. */
  settle(): Promise<Captured[]>;
}

const HEADERS_WAIT_MS = 10_000;

export function captureRequests(context: BrowserContext): Capture {
  const pending: Promise<Captured>[] = [];
  context.on('request', (r) => pending.push(describe(r)));
  return { settle: () => Promise.all(pending) };
}

async function describe(r: Request): Promise<Captured> {
  // allHeaders() has what the network stack really sent (cookies too); a request cut off before
  // that is known keeps the headers the page asked for.
  const headers = await Promise.race([r.allHeaders().catch(() => r.headers()), new Promise<Record<string, string>>((ok) => setTimeout(() => ok(r.headers()), HEADERS_WAIT_MS))]);
  const response = await Promise.race([r.response().catch(() => null), new Promise<null>((ok) => setTimeout(() => ok(null), HEADERS_WAIT_MS))]);
  return {
    url: r.url(),
    method: r.method(),
    resourceType: r.resourceType(),
    navigation: r.isNavigationRequest(),
    headers,
    body: r.postDataBuffer(),
    status: response?.status() ?? null,
  };
}

/** The product a page URL shows ("/p/<id>"), if it is a product page. */
function productOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const id = /^\/p\/([^/]+)$/.exec(new URL(url).pathname)?.[1];
  return id === undefined ? undefined : decodeURIComponent(id);
}

const IMAGE_PATH = /^\/img\/[^/]+\.png$/;

/**
 * The request with what it may say about the shopper's browsing taken out, each because the server
 * already has it: a navigation's own product page (the server answers it); the referrer of a
 * same-origin request (a page the server served); a product page's related and cross-sell queries
 * for that product, and the cart page's cross-sell query for the store's cart (`cart`: the ids the
 * store's own cart holds, which its cart page hands the shelf); and the URL of a product picture
 * (the storefront's grids and the shelves' cards show products the server itself listed; no event
 * or history record is in it).
 */
function strip(c: Captured, cart: readonly string[] = []): string {
  const url = new URL(c.url);
  if (c.navigation && productOf(c.url)) url.pathname = '/p/(this page)';
  const page = productOf(c.headers.referer);
  const onCart = !!c.headers.referer && new URL(c.headers.referer).pathname === '/cart';
  if (url.pathname === '/api/candidates' && url.searchParams.get('context_item') === page) url.searchParams.delete('context_item');
  const context = url.searchParams.get('context_items');
  if (url.pathname === '/api/candidates' && context !== null && (context === page || (onCart && context === cart.join(',')))) url.searchParams.delete('context_items');
  if (c.resourceType === 'image' && IMAGE_PATH.test(url.pathname)) url.pathname = '/img/(a product)';
  const referer = c.headers.referer ? new URL(c.headers.referer) : undefined;
  if (referer && productOf(referer.href)) referer.pathname = '/p/(the page)';
  const headers = Object.entries(c.headers).map(([name, value]) => `${name}: ${name === 'referer' ? (referer?.href ?? '') : value}`);
  return [decoded(url.href), ...headers, c.body?.toString('latin1') ?? ''].join('\n');
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Item ids of the history that a request carries beyond what it may (see strip). */
export function historyIdsIn(c: Captured, ids: Iterable<string>, cart?: readonly string[]): string[] {
  const text = strip(c, cart);
  return [...ids].filter((id) => contains(text, id));
}

const contains = (text: string, term: string) => text.includes(term) || text.includes(encodeURIComponent(term));

/** The raw content of stored events: type names, timestamps (decimal), item names, brands, category paths. */
export function rawEventTerms(events: readonly StoredEventRow[]): string[] {
  const terms = new Set<string>();
  for (const e of events) {
    terms.add(e.type);
    terms.add(String(e.ts));
    if (e.name) terms.add(e.name);
    if (e.brand) terms.add(e.brand);
    if (e.category.includes('>')) terms.add(e.category);
  }
  return [...terms];
}

/** Raw event content anywhere in a request: URL, any header, body. */
export function rawTermsIn(c: Captured, terms: Iterable<string>): string[] {
  const text = [decoded(c.url), ...Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`), c.body?.toString('latin1') ?? ''].join('\n');
  return [...terms].filter((t) => contains(text, t));
}

/** What a POST to the federated update endpoint may carry besides what any browser fetch sends. */
const UPDATE_HEADERS = new Set(['content-type', 'content-length', 'x-shelfwise-round', 'x-shelfwise-model', 'x-shelfwise-token']);
const BROWSER_HEADERS = /^(accept|accept-encoding|accept-language|connection|host|origin|referer|user-agent|sec-ch-ua(-[a-z-]+)?|sec-fetch-[a-z]+)$/;

/** Header names of an upload that are neither the update's own nor a browser's standard ones. */
export function unexpectedUploadHeaders(c: Captured): string[] {
  return Object.keys(c.headers).filter((name) => !UPDATE_HEADERS.has(name) && !BROWSER_HEADERS.test(name));
}

/** A federated upload: a central-mode update or a two-aggregator report. */
export const isUpload = (c: Captured) => c.method === 'POST' && /^\/api\/fl\/(update|report)$/.test(new URL(c.url).pathname);
