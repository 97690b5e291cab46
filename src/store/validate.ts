import type { StoredEvent } from '../shared/types';
import { isEventName } from '../shared/events';

const SOURCES = ['datalayer', 'command', 'widget'];

// Callers catch: JSON.stringify throws on BigInt and hostile toJSON.
const show = (v: unknown) => String(JSON.stringify(v)).slice(0, 40);

/** A record as the store keeps it, or why it cannot be kept. Copies only known fields so that
 *  a caller's `id` cannot overwrite an existing record and stray fields cannot fail structured clone. */
export function cleanEvent(e: unknown, cutoff: number): StoredEvent | string {
  if (typeof e !== 'object' || e === null) return 'not an object';
  const r = e as Record<string, unknown>;
  if (!isEventName(r.type)) return `invalid type ${show(r.type)}`;
  if (typeof r.item_id !== 'string' || !r.item_id) return 'invalid item_id';
  if (!Number.isFinite(r.ts)) return 'invalid ts';
  if ((r.ts as number) < cutoff) return 'ts older than maxAgeDays';
  if (!SOURCES.includes(r.source as string)) return `invalid source ${show(r.source)}`;
  const out: StoredEvent = {
    type: r.type,
    item_id: r.item_id,
    category: typeof r.category === 'string' ? r.category : '',
    brand: typeof r.brand === 'string' ? r.brand : '',
    ts: r.ts as number,
    source: r.source as StoredEvent['source'],
  };
  for (const key of ['name', 'slot'] as const) if (typeof r[key] === 'string') out[key] = r[key] as string;
  if (Number.isFinite(r.price)) out.price = r.price as number;
  return out;
}
