import { describe, expect, test } from 'vitest';
import { cachedScores, orderByScores } from './order';

describe('orderByScores', () => {
  test('sorts by score, keeping the server order for ties and non-finite scores last', () => {
    expect(orderByScores(['a', 'b', 'c', 'd'], [1, 3, 1, NaN])).toEqual(['b', 'a', 'c', 'd']);
  });
  test('cached scores are used only when they cover enough candidates', () => {
    expect(cachedScores(['a', 'b'], { a: 2 })).toEqual([2, -Infinity]);
    expect(cachedScores(['a', 'b', 'c'], { a: 2 })).toBeNull();
    expect(cachedScores(['a'], undefined)).toBeNull();
  });
});
