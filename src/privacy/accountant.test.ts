import { describe, expect, test } from 'vitest';
import { epsilon, epsilonAfter, epsilonSpent, logErfc, maxRounds, ORDERS, rdp, rdpSampledGaussian } from './accountant';
import { pldEpsilon } from './pld';

describe('RDP accountant for the sampled Gaussian mechanism', () => {
  test('q = 1 is the plain Gaussian mechanism: RDP = α / (2z²)', () => {
    expect(rdpSampledGaussian(1, 2, 8)).toBeCloseTo(8 / 8, 12);
  });
  test('matches TF Privacy on the DP-SGD MNIST tutorial (N=60000, batch 256, z=1.1, 60 epochs, δ=1e-5)', () => {
    // TF Privacy's compute_dp_sgd_privacy reports ε = 3.01 with the classic conversion
    // ε = min_α RDP(α) - log δ / (α - 1); the Balle et al. (2020) conversion used here is tighter.
    const r = rdp(256 / 60000, 1.1, 14062);
    const classic = Math.min(...r.map((v, i) => v - Math.log(1e-5) / (ORDERS[i] - 1)));
    expect(classic).toBeCloseTo(3.01, 2);
    expect(epsilon(r, 1e-5).epsilon).toBeLessThan(classic);
    expect(epsilon(r, 1e-5).epsilon).toBeGreaterThan(2.4);
  });
  test('fractional orders: the tail-integral series agrees with the binomial sum at the integers next to it, and RDP grows with the order', () => {
    for (const [q, z] of [[0.09, 0.85], [0.01, 1.1], [0.3, 2]]) {
      for (const a of [2, 3, 5]) {
        expect(rdpSampledGaussian(q, z, a + 1e-9)).toBeCloseTo(rdpSampledGaussian(q, z, a), 8);
        expect(rdpSampledGaussian(q, z, a - 1e-9)).toBeCloseTo(rdpSampledGaussian(q, z, a), 8);
      }
      const grid = [1.25, 1.5, 2, 2.5, 3, 3.5, 4].map((a) => rdpSampledGaussian(q, z, a));
      grid.slice(1).forEach((r, i) => expect(r).toBeGreaterThan(grid[i]));
    }
  });
  test('log erfc is accurate from the centre to far tails', () => {
    const known: [number, number][] = [[0, 1], [0.5, 0.4795001222], [1, 0.157299207], [3, 2.2090497e-5], [-1, 1.842700793], [10, 2.0884875837625e-45]];
    for (const [x, v] of known) expect(Math.abs(Math.exp(logErfc(x)) / v - 1)).toBeLessThan(2e-7);
    expect(logErfc(40)).toBeCloseTo(-1600 - Math.log(40 * Math.sqrt(Math.PI)), 3);
  });
  test('ε grows with rounds and sampling rate, shrinks with noise', () => {
    expect(epsilonAfter(0.01, 1, 200, 1e-5)).toBeGreaterThan(epsilonAfter(0.01, 1, 100, 1e-5));
    expect(epsilonAfter(0.02, 1, 100, 1e-5)).toBeGreaterThan(epsilonAfter(0.01, 1, 100, 1e-5));
    expect(epsilonAfter(0.01, 2, 100, 1e-5)).toBeLessThan(epsilonAfter(0.01, 1, 100, 1e-5));
  });
  test('no noise means no privacy; no rounds cost nothing', () => {
    expect(epsilonAfter(0.01, 0, 1, 1e-5)).toBe(Infinity);
    expect(epsilonAfter(0.01, 1, 0, 1e-5)).toBe(0);
  });
  test('maxRounds is the largest round count within the budget', () => {
    for (const [q, z] of [[0.05, 1], [0.2, 1.22], [1, 1]]) {
      const n = maxRounds(q, z, 1e-5, 8);
      expect(epsilonAfter(q, z, n, 1e-5)).toBeLessThanOrEqual(8);
      expect(epsilonAfter(q, z, n + 1, 1e-5)).toBeGreaterThan(8);
    }
    // Where RDP alone allows more than the PLD computes, RDP's answer stands.
    const many = maxRounds(0.01, 1, 1e-5, 8);
    expect(many).toBeGreaterThan(1000);
    expect(epsilon(rdp(0.01, 1, many), 1e-5).epsilon).toBeLessThanOrEqual(8);
    expect(epsilon(rdp(0.01, 1, many + 1), 1e-5).epsilon).toBeGreaterThan(8);
    // A dozen PLD evaluations at about 560 rounds: seconds on a busy machine.
  }, 60_000);
});

describe('the charged ε: the smaller of the RDP and PLD bounds', () => {
  test('60 rounds at q = 0.2: the PLD bound; 60 rounds at z = 1.22 fit in ε = 8, where RDP allowed 49', () => {
    expect(epsilonAfter(0.2, 1.3, 60, 1e-5)).toBe(pldEpsilon([{ q: 0.2, z: 1.3, n: 60 }], 1e-5));
    expect(maxRounds(0.2, 1.22, 1e-5, 8)).toBe(60);
    let rdpRounds = 0;
    while (epsilon(rdp(0.2, 1.22, rdpRounds + 1), 1e-5).epsilon <= 8) rdpRounds++;
    expect(rdpRounds).toBe(49);
  });
  test('groups of rounds under other settings compose', () => {
    const groups = [{ q: 0.02, z: 2, n: 2 }, { q: 0.01, z: 1, n: 1 }, { q: 0.02, z: 1, n: 3 }];
    const rdpSum = rdp(0.02, 2, 2).map((v, i) => v + rdp(0.01, 1, 1)[i] + rdp(0.02, 1, 3)[i]);
    expect(epsilonSpent(groups, 1e-5)).toBe(Math.min(epsilon(rdpSum, 1e-5).epsilon, pldEpsilon(groups, 1e-5)));
    expect(epsilonSpent(groups, 1e-5)).toBeLessThanOrEqual(epsilon(rdpSum, 1e-5).epsilon);
  });
  test('where the PLD is not computed, RDP is charged', () => {
    expect(epsilonAfter(0.002, 1, 5000, 1e-5)).toBe(epsilon(rdp(0.002, 1, 5000), 1e-5).epsilon);
  });
});
