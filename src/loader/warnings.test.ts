import { expect, test } from 'vitest';
import { createWarnings } from './warnings';

test('keeps messages of errors and anything else, the latest ones only', () => {
  const w = createWarnings(3);
  w.warn(new Error('one'));
  w.warn('two');
  w.warn(3);
  expect(w.list()).toEqual(['one', 'two', '3']);
  w.warn(new TypeError('four'));
  expect(w.list()).toEqual(['two', '3', 'four']);
});

test('list() is a copy', () => {
  const w = createWarnings();
  w.warn('x');
  w.list().push('y');
  expect(w.list()).toEqual(['x']);
});

test('keeps twenty by default', () => {
  const w = createWarnings();
  for (let i = 0; i < 25; i++) w.warn(i);
  expect(w.list()).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 5)));
});
