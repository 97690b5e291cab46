// A slot's candidates: inline JSON in the slot, or the merchant's endpoint. Only the slot name,
// the limit and the page's own context (its product, its cart) go into the request, never the
// shopper's history.
import type { Candidate } from '../shared/types';
import { parseItem } from '../capture/item';

export interface SlotSpec {
  name: string;
  count: number;
  contextItem: string | null;
  /** A cross-sell shelf's items to go with (data-shelfwise-context-items), at most MAX_CONTEXT. */
  contextItems: string[];
  title: string | null;
}

/** The candidate endpoint takes up to 20 context items. */
const MAX_CONTEXT = 20;

export function readSlot(el: HTMLElement): SlotSpec {
  const count = Number(el.dataset.shelfwiseCount);
  return {
    name: el.dataset.shelfwiseSlot || 'default',
    count: Number.isInteger(count) && count > 0 && count <= 50 ? count : 8,
    contextItem: el.dataset.shelfwiseContextItem || null,
    contextItems: [...new Set((el.dataset.shelfwiseContextItems || '').split(',').map((id) => id.trim()).filter(Boolean))].slice(0, MAX_CONTEXT),
    title: el.dataset.shelfwiseTitle || null,
  };
}

/** Keeps items that have an id; anything else in the payload is a merchant bug we skip, not throw on. */
export function cleanCandidates(payload: unknown): Candidate[] {
  const items = (payload as { items?: unknown })?.items;
  if (!Array.isArray(items)) throw new Error('candidates: expected {"items": [...]}');
  const out: Candidate[] = [];
  for (const c of items) {
    const parsed = parseItem(c);
    if (parsed) out.push({ ...(c as Candidate), item_id: parsed.item_id });
  }
  return out;
}

export function inlineCandidates(el: HTMLElement): Candidate[] | null {
  const script = el.querySelector('script[type="application/json"]');
  return script ? cleanCandidates(JSON.parse(script.textContent || 'null')) : null;
}

export async function fetchCandidates(endpoint: string, slot: SlotSpec, limit: number): Promise<Candidate[]> {
  const url = new URL(endpoint);
  url.searchParams.set('slot', slot.name);
  url.searchParams.set('limit', String(limit));
  if (slot.contextItem) url.searchParams.set('context_item', slot.contextItem);
  if (slot.contextItems.length) url.searchParams.set('context_items', slot.contextItems.join(','));
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`candidates: ${url.pathname} answered ${res.status}`);
  return cleanCandidates(await res.json());
}
