import { describe, expect, test } from 'vitest';
import { OFFERED_KEY } from '../shared/storage-keys';
import { MAX_OFFERED, needsRefit, offeredNegatives, personalVector, rankingVector, REFIT_AFTER, rememberOffered, savePersonal, type OfferedItem } from './personal';
import { memoryStateStore } from './test-state-store';

const item = (id: string) => ({ item_id: id, category: 'Shoes>Running', brand: 'Acme' });
const items = (...ids: string[]) => ids.map(item);

describe('rememberOffered', () => {
  test('keeps the most recently offered first, each with how many times it was offered', async () => {
    const store = memoryStateStore();
    await rememberOffered(store, items('a', 'b', 'c'));
    await rememberOffered(store, items('d', 'b'));
    const offered = await store.getState<OfferedItem[]>(OFFERED_KEY);
    expect(offered?.map((o) => [o.item_id, o.times])).toEqual([['d', 1], ['b', 2], ['a', 1], ['c', 1]]);
    expect(offered?.[0]).toEqual({ ...item('d'), times: 1 });
  });

  test(`keeps at most ${MAX_OFFERED}, dropping the least recently offered`, async () => {
    const store = memoryStateStore();
    const old = Array.from({ length: MAX_OFFERED }, (_, i) => item(`old${i}`));
    await rememberOffered(store, old);
    await rememberOffered(store, items('new1', 'new2', 'old0'));
    const offered = (await store.getState<OfferedItem[]>(OFFERED_KEY))!;
    expect(offered).toHaveLength(MAX_OFFERED);
    expect(offered.slice(0, 4).map((o) => o.item_id)).toEqual(['new1', 'new2', 'old0', 'old1']);
    expect(offered.find((o) => o.item_id === 'old0')?.times).toBe(2);
    const ids = new Set(offered.map((o) => o.item_id));
    expect(ids.has(`old${MAX_OFFERED - 1}`)).toBe(false);
    expect(ids.has(`old${MAX_OFFERED - 2}`)).toBe(false);
    expect(ids.has(`old${MAX_OFFERED - 3}`)).toBe(true);
  });
});

describe('offeredNegatives', () => {
  test('are the offered items the shopper did not interact with, weighed by times offered', async () => {
    const store = memoryStateStore();
    expect(await offeredNegatives(store, [])).toEqual({ items: [], weights: [], dismissed: [] });
    await rememberOffered(store, items('a', 'b', 'c'));
    await rememberOffered(store, items('a'));
    const negatives = await offeredNegatives(store, [{ ...item('b'), type: 'view_item' }]);
    expect(negatives.items.map((i) => i.item_id)).toEqual(['a', 'c']);
    expect(negatives.weights).toEqual([2, 1]);
  });

  test('keep the dismissed items apart, as the strong negatives they are', async () => {
    const store = { ...memoryStateStore(), dismissed: async () => [{ ...item('c'), ts: 1 }] };
    await rememberOffered(store, items('a', 'b', 'c'));
    const negatives = await offeredNegatives(store, []);
    expect(negatives.items.map((i) => i.item_id)).toEqual(['a', 'b']);
    expect(negatives.dismissed?.map((i) => i.item_id)).toEqual(['c']);
  });
});

describe('dismissals and the personal vector', () => {
  test('a change in the dismissed items asks for a new fit', () => {
    const state = { modelVersion: 'm1', vector: null, events: 10, dismissed: 1, at: 1 };
    expect(needsRefit(state, 10, 1)).toBe(false);
    expect(needsRefit(state, 10, 2)).toBe(true);
    expect(needsRefit({ ...state, dismissed: undefined }, 10)).toBe(false);
  });

  test('the page ranks with the long-term part minus γ times the dismissed mean', () => {
    const ranker = { config: { dim: 2 }, itemVectors: (list: readonly unknown[]) => Float32Array.from(list.flatMap((_, i) => [i + 1, 0])) };
    const state = { modelVersion: 'm1', vector: Float32Array.from([1, 1]), gamma: 2, events: 10, dismissed: 2, at: 1 };
    // Mean of [1, 0] and [2, 0] is [1.5, 0]: [1, 1] - 2 * [1.5, 0].
    expect(rankingVector(state, items('x', 'y'), ranker)).toEqual(Float32Array.from([-2, 1]));
    // A dismissal since the fit counts at once, with the default γ (ln 10 / |mean|²), until the next fit.
    const third = rankingVector(state, items('x', 'y', 'z'), ranker)!;
    expect(third[0]).toBeCloseTo(1 - Math.log(10) / 2, 5);
    expect(rankingVector(state, [], ranker)).toBe(state.vector);
    expect(rankingVector(undefined, [], ranker)).toBeNull();
  });
});

describe('personal vector', () => {
  test('is read back only for the model it was fitted for', async () => {
    const store = memoryStateStore();
    const state = { modelVersion: 'm1', vector: Float32Array.from([0.5, -1]), events: 4, at: 1 };
    await savePersonal(store, state);
    expect(await personalVector(store, 'm1')).toEqual(state);
    expect(await personalVector(store, 'm2')).toBeUndefined();
  });

  test(`is fitted again after ${REFIT_AFTER} new interest events`, () => {
    const state = { modelVersion: 'm1', vector: null, events: 10, at: 1 };
    expect(needsRefit(undefined, 0)).toBe(true);
    expect(needsRefit(state, 10 + REFIT_AFTER - 1)).toBe(false);
    expect(needsRefit(state, 10 + REFIT_AFTER)).toBe(true);
  });
});
