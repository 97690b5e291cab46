import { describe, expect, it } from 'vitest';
import { openStore } from './store';
import { DAY, ev, fakeClock, uniqueDbName } from './test-utils';

describe('store: bounds', () => {
  it('never holds more than maxEvents, dropping the oldest by ts', async () => {
    const clock = fakeClock();
    const store = await openStore({ dbName: uniqueDbName(), maxEvents: 5, now: clock.now });
    const t = clock.t;
    // One add larger than the bound, out of ts order.
    const batch = [7, 2, 6, 1, 5, 3, 4, 0].map((i) => ev('view_item', `i${i}`, t - 1000 + i));
    expect(await store.add(batch)).toEqual({ added: 8, rejected: 0 });
    expect(await store.count()).toBe(5);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['i3', 'i4', 'i5', 'i6', 'i7']);

    // An older record added later is the first to go.
    await store.add([ev('purchase', 'late-but-old', t - 5000)]);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['i3', 'i4', 'i5', 'i6', 'i7']);

    for (let i = 8; i < 12; i++) await store.add([ev('add_to_cart', `i${i}`, t - 1000 + i)]);
    expect(await store.count()).toBe(5);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['i7', 'i8', 'i9', 'i10', 'i11']);
    store.close();
  });

  it('prunes records older than maxAgeDays on add and on open', async () => {
    const clock = fakeClock();
    const dbName = uniqueDbName();
    const store = await openStore({ dbName, maxAgeDays: 10, now: clock.now });
    const t0 = clock.t;
    await store.add([ev('view_item', 'old', t0 - 9 * DAY), ev('view_item', 'mid', t0 - 5 * DAY), ev('view_item', 'new', t0)]);
    expect(await store.count()).toBe(3);

    clock.advance(2 * DAY); // 'old' is now 11 days old
    await store.add([ev('purchase', 'p', clock.t)]);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['mid', 'new', 'p']);
    store.close();

    clock.advance(4 * DAY); // 'mid' is now 11 days old
    const reopened = await openStore({ dbName, maxAgeDays: 10, now: clock.now });
    expect((await reopened.recent()).map((e) => e.item_id)).toEqual(['new', 'p']);
    reopened.close();
  });

  it('with `maintain`, prunes when the caller runs it, and reads leave out expired records until then', async () => {
    const clock = fakeClock();
    const dbName = uniqueDbName();
    const store = await openStore({ dbName, maxAgeDays: 10, now: clock.now });
    await store.add([ev('view_item', 'old', clock.t - 9 * DAY), ev('view_item', 'new', clock.t), ev('shelfwise_dismiss', 'gone', clock.t - 9 * DAY, { source: 'widget' })]);
    store.close();
    clock.advance(2 * DAY); // 'old' and the dismissal are now 11 days old
    const pending: (() => void)[] = [];
    const reopened = await openStore({ dbName, maxAgeDays: 10, now: clock.now, maintain: (prune) => pending.push(prune) });
    expect(pending).toHaveLength(1);
    // Still stored, never answered.
    expect(await reopened.count()).toBe(3);
    expect((await reopened.recent()).map((e) => e.item_id)).toEqual(['new']);
    const reading = await reopened.read({ events: { limit: 10 } });
    expect([reading.events.map((e) => e.item_id), reading.dismissed]).toEqual([['new'], []]);
    expect(await reopened.dismissed()).toEqual([]);
    pending[0]();
    await expect.poll(() => reopened.count()).toBe(1);
    expect((await reopened.dump()).dismissed).toEqual([]);
    reopened.close();
  });

  it('keeps a record exactly maxAgeDays old and rejects one already older', async () => {
    const clock = fakeClock();
    const store = await openStore({ dbName: uniqueDbName(), maxAgeDays: 1, now: clock.now });
    const result = await store.add([ev('view_item', 'edge', clock.t - DAY), ev('view_item', 'stale', clock.t - DAY - 1)]);
    expect(result.added).toBe(1);
    expect(result.rejected).toBe(1);
    expect(result.error?.message).toMatch(/#1: ts older than maxAgeDays/);
    expect((await store.recent()).map((e) => e.item_id)).toEqual(['edge']);
    store.close();
  });

  it('a smaller maxEvents on reopen trims the store at once', async () => {
    const dbName = uniqueDbName();
    const t = Date.now();
    const big = await openStore({ dbName });
    await big.add(Array.from({ length: 30 }, (_, i) => ev('view_item_list', `i${i}`, t - 100 + i)));
    big.close();
    const small = await openStore({ dbName, maxEvents: 10 });
    expect(await small.count()).toBe(10);
    expect((await small.recent({ limit: 1 }))[0]?.item_id).toBe('i29');
    expect((await small.recent())[0]?.item_id).toBe('i20');
    small.close();
  });
});
