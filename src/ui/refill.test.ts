import { describe, expect, test } from 'vitest';
import { firstShown, refill } from './refill';

const all = ['a', 'b', 'c', 'r', 's', 't'].map((item_id) => ({ item_id }));

describe('refill', () => {
  test('starts with the first candidates that are not dismissed', () => {
    expect(firstShown(all, 3, new Set())).toEqual(['a', 'b', 'c']);
    expect(firstShown(all, 3, new Set(['b']))).toEqual(['a', 'c', 'r']);
    expect(firstShown(all, 10, new Set(['a']))).toEqual(['b', 'c', 'r', 's', 't']);
  });

  test('replaces a dismissed card in its own place; the others do not move', () => {
    let shown: readonly string[] = firstShown(all, 3, new Set());
    shown = refill(shown, all, new Set(['b']));
    expect(shown).toEqual(['a', 'r', 'c']);
    shown = refill(shown, all, new Set(['b', 'a']));
    expect(shown).toEqual(['s', 'r', 'c']);
    shown = refill(shown, all, new Set(['b', 'a', 'r']));
    expect(shown).toEqual(['s', 't', 'c']);
  });

  test('drops the place when no candidate is left, and keeps the same array when nothing changed', () => {
    const shown = ['s', 't', 'c'];
    expect(refill(shown, all, new Set(['a', 'b', 'r']))).toBe(shown);
    expect(refill(shown, all, new Set(['a', 'b', 'r', 't']))).toEqual(['s', 'c']);
    expect(refill(['a'], [{ item_id: 'a' }], new Set(['a']))).toEqual([]);
  });
});
