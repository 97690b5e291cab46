// GET /api/candidates: the merchant server's candidate products for a slot, in its own order
// (plain popularity, contextual groups around a product, or the complements of a cart's or a
// product's items). No personal data is involved.
import type { Candidate } from '../src/shared/types';
import { affinityPartners, byPopularity, findItem, type Catalog, type CatalogItem } from './catalog';
import { demoComplements, type Complements } from './complements';
import type { Handler } from './router';
import { etagOf, HttpError, sendBody, sendJson } from './send';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const SLOT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A cart's worth of context items; the loader sends at most as many. */
export const MAX_CONTEXT_ITEMS = 20;

interface CandidateQuery {
  slot: string;
  limit: number;
  contextItem?: CatalogItem;
  /** Cross-sell: the items the shelf should go with. */
  contextItems?: CatalogItem[];
}

export type ServerCandidate = Candidate & Required<Pick<Candidate, 'item_name' | 'item_category' | 'item_category2' | 'item_brand' | 'price' | 'currency' | 'image' | 'url' | 'score'>>;

/** Validates the query string; throws HttpError(400) with a message naming the bad parameter. */
function parseCandidateQuery(catalog: Catalog, params: URLSearchParams): CandidateQuery {
  const slot = params.get('slot');
  if (!slot) throw new HttpError(400, 'missing required parameter "slot"');
  if (!SLOT_PATTERN.test(slot)) throw new HttpError(400, 'parameter "slot" must be 1-64 letters, digits, "-" or "_"');
  const rawLimit = params.get('limit');
  if (rawLimit !== null && !/^[1-9][0-9]{0,8}$/.test(rawLimit)) {
    throw new HttpError(400, `parameter "limit" must be a positive integer (got "${rawLimit.slice(0, 40)}")`);
  }
  const limit = Math.min(rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit), MAX_LIMIT);
  const contextId = params.get('context_item');
  const contextIds = params.get('context_items');
  if (contextId !== null && contextIds !== null) throw new HttpError(400, 'give either "context_item" or "context_items", not both');
  if (contextIds !== null) return { slot, limit, contextItems: parseContextItems(catalog, contextIds) };
  if (contextId === null) return { slot, limit };
  const contextItem = findItem(catalog, contextId);
  if (!contextItem) throw new HttpError(400, `unknown context_item "${contextId.slice(0, 60)}"`);
  return { slot, limit, contextItem };
}

/** "SKU-1,SKU-2": 1 to MAX_CONTEXT_ITEMS known ids, comma-separated; repeats count once. */
function parseContextItems(catalog: Catalog, raw: string): CatalogItem[] {
  const ids = [...new Set(raw.split(','))];
  if (ids.length > MAX_CONTEXT_ITEMS) throw new HttpError(400, `parameter "context_items" takes at most ${MAX_CONTEXT_ITEMS} ids (got ${ids.length})`);
  return ids.map((id) => {
    const item = findItem(catalog, id);
    if (!item) throw new HttpError(400, `unknown id "${id.slice(0, 60)}" in context_items`);
    return item;
  });
}

/**
 * Popularity order; around a context item: same subcategory, then same top category, then its
 * affinity categories, then the rest, each group by popularity, the item itself left out; with
 * context items: their complements by co-purchase lift (see complements.ts).
 */
function rankCandidates(catalog: Catalog, query: CandidateQuery, complements: () => Complements): ServerCandidate[] {
  const ranked = byPopularity(catalog.items);
  const top = ranked[0]?.popularity ?? 1;
  const context = query.contextItem;
  const ordered = query.contextItems ? complements().around(query.contextItems) : context ? groupAround(catalog, ranked, context) : ranked;
  return ordered.slice(0, query.limit).map((item) => toCandidate(item, top));
}

function groupAround(catalog: Catalog, ranked: CatalogItem[], context: CatalogItem): CatalogItem[] {
  const partners = new Set(affinityPartners(catalog, context.item_category));
  const group = (item: CatalogItem): number => {
    if (item.item_category !== context.item_category) return partners.has(item.item_category) ? 2 : 3;
    return item.item_category2 === context.item_category2 ? 0 : 1;
  };
  // Array.prototype.sort is stable, so popularity order survives inside each group.
  return ranked.filter((i) => i.item_id !== context.item_id).sort((a, b) => group(a) - group(b));
}

/** The candidate shape slots receive; score is popularity relative to the most popular item. */
export function toCandidate(item: CatalogItem, topPopularity: number): ServerCandidate {
  return {
    item_id: item.item_id,
    item_name: item.item_name,
    item_category: item.item_category,
    item_category2: item.item_category2,
    item_brand: item.item_brand,
    price: item.price,
    currency: item.currency,
    image: item.image,
    url: item.url,
    score: Math.round((item.popularity / topPopularity) * 10000) / 10000,
  };
}

export function candidatesHandler(catalog: Catalog, complements = () => demoComplements(catalog)): Handler {
  return ({ req, res, url }) => {
    const query = parseCandidateQuery(catalog, url.searchParams);
    sendJson(req, res, 200, { items: rankCandidates(catalog, query, complements) }, { 'Cache-Control': 'public, max-age=60' });
  };
}

/** GET /api/catalog: the whole catalog (tools and tests use it to agree with the server). */
export function catalogHandler(catalog: Catalog): Handler {
  const body = JSON.stringify(catalog);
  const etag = etagOf(body);
  return ({ req, res }) => {
    sendBody(req, res, { type: 'application/json; charset=utf-8', body, etag, headers: { 'Cache-Control': 'public, max-age=60' } });
  };
}
