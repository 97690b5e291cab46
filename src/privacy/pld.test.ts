import { describe, expect, test } from 'vitest';
import { epsilon, rdp } from './accountant';
import { MAX_ROUNDS, pldEpsilon } from './pld';

const DELTA = 1e-5;

describe('the privacy loss distribution accountant', () => {
  test('q = 1 is the Gaussian mechanism: at or just above its exact ε (Balle & Wang 2018)', () => {
    // n rounds at noise multiplier z compose to one Gaussian mechanism with μ = √n / z, whose
    // δ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2) is exact; these ε solve it for δ = 1e-5 (SciPy).
    const exact: [z: number, n: number, eps: number][] = [
      [1, 1, 4.377178095681195],
      [2, 10, 7.511275900744781],
      [5, 100, 9.997256146434356],
      [0.5, 3, 20.12502354588817],
    ];
    for (const [z, n, eps] of exact) {
      const got = pldEpsilon([{ q: 1, z, n }], DELTA);
      expect(got, `z ${z}, ${n} rounds`).toBeGreaterThanOrEqual(eps);
      expect(got - eps, `z ${z}, ${n} rounds`).toBeLessThan(0.02);
    }
  });

  test('Poisson sampling: between bounds computed independently, never below the lower one', () => {
    // NumPy/SciPy: each direction's privacy loss integrated over 4·10^6 points of x, rounded to a
    // grid of 2e-4 down (a lower bound) and up (an upper bound), composed by FFT.
    const brackets: [q: number, z: number, n: number, lower: number, upper: number][] = [
      [0.2, 1.3, 60, 7.181455338637474, 7.193455314566638],
      [0.2, 1.22, 60, 7.947330466012684, 7.959330442214266],
      [0.05, 0.8, 100, 5.731243703075758, 5.751243663675831],
    ];
    for (const [q, z, n, lower, upper] of brackets) {
      const got = pldEpsilon([{ q, z, n }], DELTA);
      expect(got, `q ${q}, z ${z}, ${n} rounds`).toBeGreaterThanOrEqual(lower);
      expect(got, `q ${q}, z ${z}, ${n} rounds`).toBeLessThan(upper + 0.02);
    }
  });

  test('tighter than RDP at DP-FedAvg settings: 7.20 against 7.97 for 60 rounds at q = 0.2, z = 1.3', () => {
    const pld = pldEpsilon([{ q: 0.2, z: 1.3, n: 60 }], DELTA);
    expect(pld).toBeCloseTo(7.2, 1);
    expect(epsilon(rdp(0.2, 1.3, 60), DELTA).epsilon).toBeCloseTo(7.97, 2);
  });

  test('groups compose: rounds split into groups cost what they cost together; more rounds, more ε', () => {
    const whole = pldEpsilon([{ q: 0.2, z: 1.3, n: 60 }], DELTA);
    expect(pldEpsilon([{ q: 0.2, z: 1.3, n: 25 }, { q: 0.2, z: 1.3, n: 35 }], DELTA)).toBeCloseTo(whole, 9);
    const mixed = pldEpsilon([{ q: 0.2, z: 1.3, n: 30 }, { q: 0.1, z: 2, n: 30 }], DELTA);
    expect(mixed).toBeGreaterThan(pldEpsilon([{ q: 0.2, z: 1.3, n: 30 }], DELTA));
    expect(mixed).toBeLessThan(whole);
    expect(pldEpsilon([{ q: 0.2, z: 1.3, n: 61 }], DELTA)).toBeGreaterThan(whole);
  });

  test('nothing spent costs nothing; no noise, or more rounds than it computes, gives no bound', () => {
    expect(pldEpsilon([], DELTA)).toBe(0);
    expect(pldEpsilon([{ q: 0.2, z: 1, n: 0 }], DELTA)).toBe(0);
    expect(pldEpsilon([{ q: 0.2, z: 0, n: 1 }], DELTA)).toBe(Infinity);
    expect(pldEpsilon([{ q: 0.01, z: 1, n: MAX_ROUNDS + 1 }], DELTA)).toBe(Infinity);
  });
});
