// Loads a dataset folder in the shared format (see ../shared/datasets/README.md): events.csv and
// items.csv. Any folder in that format works, not only the shipped ones.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { interestRow } from '../../src/shared/events';
import type { ItemLike } from '../../src/model/plain/features';
import { readCsv } from './csv';

export interface UserHistory {
  userId: string;
  /** Catalog indices, in time order. */
  items: Int32Array;
  /** Event-type rows (INTEREST_ROWS), aligned with items. */
  types: Int32Array;
  timestamps: Float64Array;
}

export interface Dataset {
  name: string;
  dir: string;
  items: ItemLike[];
  itemIndex: Map<string, number>;
  users: UserHistory[];
  events: number;
  /** Rows skipped because their event type is not an interest event we model. */
  skipped: number;
}

export async function loadDataset(dirArg: string): Promise<Dataset> {
  const dir = resolve(dirArg);
  for (const f of ['events.csv', 'items.csv']) {
    if (!existsSync(join(dir, f))) throw new Error(`${dir}: no ${f} (expected the format of shared/datasets/README.md)`);
  }
  const items: ItemLike[] = [];
  const itemIndex = new Map<string, number>();
  const addItem = (item: ItemLike) => {
    itemIndex.set(item.item_id, items.length);
    return items.push(item) - 1;
  };
  await readCsv(join(dir, 'items.csv'), ['item_id'], (r) => {
    if (r.item_id && !itemIndex.has(r.item_id)) addItem({ item_id: r.item_id, category: r.category ?? '', brand: r.brand ?? '' });
  });
  const byUser = new Map<string, { items: number[]; types: number[]; ts: number[] }>();
  let events = 0;
  let skipped = 0;
  await readCsv(join(dir, 'events.csv'), ['user_id', 'item_id', 'timestamp', 'event_type'], (r, line) => {
    const type = interestRow(r.event_type);
    const ts = Number(r.timestamp);
    if (type === 0 || !r.item_id || !r.user_id) return void skipped++;
    if (!Number.isFinite(ts)) throw new Error(`${dir}/events.csv:${line}: timestamp "${r.timestamp}" is not a number`);
    const item = itemIndex.get(r.item_id) ?? addItem({ item_id: r.item_id, category: '', brand: '' });
    let u = byUser.get(r.user_id);
    if (!u) byUser.set(r.user_id, (u = { items: [], types: [], ts: [] }));
    u.items.push(item);
    u.types.push(type);
    u.ts.push(ts);
    events++;
  });
  const users = [...byUser].map(([userId, u]) => timeOrdered(userId, u));
  return { name: basename(dir), dir, items, itemIndex, users, events, skipped };
}

/** Rows are meant to be in time order already; a stable sort makes sure without reordering ties. */
function timeOrdered(userId: string, u: { items: number[]; types: number[]; ts: number[] }): UserHistory {
  const order = u.ts.map((_, i) => i).sort((a, b) => u.ts[a] - u.ts[b] || a - b);
  return {
    userId,
    items: Int32Array.from(order, (i) => u.items[i]),
    types: Int32Array.from(order, (i) => u.types[i]),
    timestamps: Float64Array.from(order, (i) => u.ts[i]),
  };
}
