import { describe, expect, test } from 'vitest';
import { normalCdf } from './normal';

describe('the standard normal CDF', () => {
  test('matches reference values to 1e-12 relative, far into the lower tail', () => {
    // scipy.stats.norm.cdf
    const known: [number, number][] = [
      [-37, 5.7255712225239266e-300],
      [-20, 2.7536241186061556e-89],
      [-8, 6.22096057427174e-16],
      [-5, 2.866515718791933e-7],
      [-3, 0.0013498980316300933],
      [-2.1, 0.017864420562816542],
      [-1, 0.15865525393145707],
      [-0.3, 0.3820885778110474],
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [2, 0.9772498680518208],
    ];
    for (const [t, v] of known) expect(Math.abs(normalCdf(t) / v - 1), `Φ(${t})`).toBeLessThan(1e-12);
  });
  test('is continuous where its series hands over to the continued fraction (t = −3√2)', () => {
    const t = -3 * Math.SQRT2;
    expect(Math.abs(normalCdf(t - 1e-12) / normalCdf(t + 1e-12) - 1)).toBeLessThan(1e-10);
  });
  test('saturates at the ends', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });
});
