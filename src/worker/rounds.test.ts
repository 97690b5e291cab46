import { describe, expect, test } from 'vitest';
import { CONTRIBUTIONS_KEY } from '../shared/storage-keys';
import { MAX_ROUNDS, recordRound, type RoundTaken } from './rounds';
import { memoryStateStore } from './test-state-store';

describe('the rounds a device took part in', () => {
  test('are kept with their time and size, once per round, newest last, bounded', async () => {
    const store = memoryStateStore();
    await recordRound(store, 3, 21312, 1000);
    await recordRound(store, 4, 800, 2000);
    await recordRound(store, 3, 900, 3000); // a report delivered again
    expect(await store.getState<RoundTaken[]>(CONTRIBUTIONS_KEY)).toEqual([
      { round: 4, at: 2000, bytes: 800 },
      { round: 3, at: 3000, bytes: 900 },
    ]);
    for (let r = 10; r < 10 + MAX_ROUNDS + 5; r++) await recordRound(store, r, 1, r);
    const kept = (await store.getState<RoundTaken[]>(CONTRIBUTIONS_KEY))!;
    expect(kept).toHaveLength(MAX_ROUNDS);
    expect(kept.at(-1)!.round).toBe(10 + MAX_ROUNDS + 4);
  });
});
