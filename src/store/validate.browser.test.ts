import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../shared/types';
import { openStore } from './store';
import { ev, uniqueDbName } from './test-utils';

describe('store: invalid records', () => {
  it('stores the valid records and reports the rejected ones with reasons', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    const input = [
      ev('view_item', 'good1', t),
      { ...ev('view_item', 'x', t), type: 'bogus' },
      ev('view_item', '', t),
      null,
      { ...ev('view_item', 'x', t), ts: NaN },
      { ...ev('view_item', 'x', t), item_id: 42 },
      { ...ev('view_item', 'x', t), source: 'server' },
      ev('shelfwise_click', 'good2', t, { source: 'widget', slot: 'home-1' }),
    ] as unknown as StoredEvent[];
    const result = await store.add(input);
    expect(result.added).toBe(2);
    expect(result.rejected).toBe(6);
    const msg = result.error?.message ?? '';
    expect(msg).toMatch(/rejected 6 of 8 events/);
    expect(msg).toContain('#1: invalid type "bogus"');
    expect(msg).toContain('#2: invalid item_id');
    expect(msg).toContain('#3: not an object');
    expect(msg).toContain('#4: invalid ts');
    expect(msg).toContain('#5: invalid item_id');
    expect(msg).not.toContain('#6'); // only the first five reasons are listed
    const stored = await store.recent();
    expect(stored.map((e) => e.item_id)).toEqual(['good1', 'good2']);
    expect(stored[1]).toMatchObject({ type: 'shelfwise_click', source: 'widget', slot: 'home-1' });
    store.close();
  });

  it('cannot overwrite an existing record through a caller-supplied id', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    await store.add([ev('view_item', 'original', t)]);
    const [original] = await store.recent();
    expect(await store.add([ev('view_item', 'intruder', t + 1, { id: original!.id })])).toEqual({ added: 1, rejected: 0 });
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['original', 'intruder']);
    store.close();
  });

  it('drops stray fields (even uncloneable ones) and bad optional fields', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const t = Date.now();
    const weird = { ...ev('view_item', 'a', t), extra: () => 1, price: NaN, name: 7, category: null, brand: undefined };
    expect(await store.add([weird as unknown as StoredEvent])).toEqual({ added: 1, rejected: 0 });
    const [stored] = await store.recent();
    expect(stored).toStrictEqual({ id: stored!.id, type: 'view_item', item_id: 'a', category: '', brand: '', ts: t, source: 'datalayer' });
    store.close();
  });

  it('treats unreadable records as rejected, not as a crash', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    const hostile = { get type(): string { throw new Error('getter'); } };
    const result = await store.add([hostile as unknown as StoredEvent, ev('view_item', 'ok', Date.now())]);
    expect(result).toMatchObject({ added: 1, rejected: 1 });
    expect(result.error?.message).toContain('#0: unreadable');
    store.close();
  });

  it('adds nothing for an empty list, and rejects a non-array clearly', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    expect(await store.add([])).toEqual({ added: 0, rejected: 0 });
    await expect(store.add({} as never)).rejects.toThrow(/array/);
    expect(await store.count()).toBe(0);
    store.close();
  });
});
