import { expect, test } from 'vitest';
import { freshToken } from './token';

test('freshToken: 32 hex digits, different every time', () => {
  const tokens = new Set(Array.from({ length: 1000 }, freshToken));
  expect(tokens.size).toBe(1000);
  for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/);
});
