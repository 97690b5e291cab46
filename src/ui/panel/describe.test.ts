import { describe as group, expect, test } from 'vitest';
import { describe, localDay } from './describe';
import { exportDocument, toJson } from './export';
import type { StoredEvent } from '../../shared/types';

const ev = (item_id: string, ts: number, type: StoredEvent['type'] = 'view_item'): StoredEvent => ({ type, item_id, category: 'Outdoor>Tents', brand: 'Aurora', ts, source: 'datalayer' });
const day1 = new Date(2026, 2, 3, 10).getTime();
const day2 = new Date(2026, 2, 4, 9).getTime();

const dump = {
  events: [ev('a', day1), ev('b', day2), ev('c', day1 + 3600e3, 'add_to_cart')],
  dismissed: [{ item_id: 'x', category: '', brand: '', ts: day1 }, { item_id: 'y', category: '', brand: '', ts: day2 }],
  state: {
    personal: { modelVersion: 'm1', vector: new Float32Array(32), events: 40, at: day2 },
    offered: [{ item_id: 'o1' }, { item_id: 'o2' }],
    'scores:for-you': { at: day2, scores: { a: 1 } },
    'scores:related@a': { at: day2, scores: { b: 2 } },
    'fl:rounds': [{ round: 3, at: day1, bytes: 21312 }],
    'fl:last': { round: 4, newest: 9 },
    model: { url: '/model/model.json', weights: new ArrayBuffer(4096) },
  },
};

group('the data panel’s view of the store', () => {
  test('events by local day, newest first; dismissed newest first', () => {
    const d = describe(dump);
    expect(d.days.map((x) => x.day)).toEqual([localDay(day2), localDay(day1)]);
    expect(d.days[1].events.map((e) => e.item_id)).toEqual(['c', 'a']);
    expect(d.events).toBe(3);
    expect(d.dismissed.map((x) => x.item_id)).toEqual(['y', 'x']);
  });

  test('the personal parameters by size, the offered items, the kept orders, the rounds', () => {
    const d = describe(dump);
    expect(d.vector).toEqual({ values: 32, bytes: 128, at: day2, events: 40 });
    expect(d.offered).toBe(2);
    expect(d.orders).toBe(2);
    // The last round is shown even when it predates the list (its size is then unknown).
    expect(d.rounds).toEqual([{ round: 4 }, { round: 3, at: day1, bytes: 21312 }]);
  });

  test('an empty or missing store describes as nothing', () => {
    expect(describe(null)).toEqual({ days: [], events: 0, dismissed: [], vector: null, offered: 0, orders: 0, rounds: [] });
    expect(describe({ events: [], dismissed: [], state: { personal: { vector: null } } }).vector).toBeNull();
  });

  test('the export holds every part of the dump under its documented name', () => {
    const consent = { state: 'granted' as const, source: 'site' as const, paused: false };
    const doc = JSON.parse(toJson(exportDocument(dump, consent, 'https://shop.example', day2)));
    expect(doc).toMatchObject({ format: 'shelfwise-export', version: 1, site: 'https://shop.example', exported_at: new Date(day2).toISOString(), consent });
    expect(doc.events).toHaveLength(3);
    expect(doc.dismissed).toHaveLength(2);
    expect(doc.personal_model.vector).toEqual(new Array(32).fill(0));
    expect(doc.offered).toHaveLength(2);
    expect(Object.keys(doc.shelf_orders)).toEqual(['for-you', 'related@a']);
    expect(doc.federated_rounds).toEqual([{ round: 3, at: day1, bytes: 21312 }]);
    expect(Object.keys(doc.other_state).sort()).toEqual(['fl:last', 'model']);
    // The site's weights the pointer keeps, by size: not the shopper's data.
    expect(doc.other_state.model).toEqual({ url: '/model/model.json', weights: { bytes: 4096 } });
    // Nothing the dump holds is left out.
    expect(Object.keys(doc.other_state).length + 5).toBe(Object.keys(dump.state).length);
  });
});
