import { describe, expect, test } from 'vitest';
import { SERVER_OPTIMIZER_DEFAULTS, decodeState, encodeState, roundRate, scheduledStep, serverStep } from './server-optimizer';

describe('serverStep', () => {
  test('sgd adds the learning rate times the mean update and keeps no state', () => {
    const values = Float32Array.from([1, 2, 3]);
    const state = serverStep(values, Float32Array.from([0.5, -1, 0]), null, { ...SERVER_OPTIMIZER_DEFAULTS, kind: 'sgd', learningRate: 2 });
    expect(Array.from(values)).toEqual([2, 0, 3]);
    expect(state).toBeNull();
  });

  test('adam: the first step moves each weight by about the learning rate in the update direction, whatever its scale', () => {
    const values = new Float32Array(3);
    const opts = { ...SERVER_OPTIMIZER_DEFAULTS, kind: 'adam' as const, learningRate: 0.01, epsilon: 1e-8 };
    const state = serverStep(values, Float32Array.from([1e-3, -5, 0]), null, opts);
    // Bias-corrected m/sqrt(v) = sign(g) on the first step.
    expect(values[0]).toBeCloseTo(0.01, 5);
    expect(values[1]).toBeCloseTo(-0.01, 5);
    expect(values[2]).toBe(0);
    expect(state?.step).toBe(1);
  });

  test('adam carries its moments: a steady update keeps a steady step; a single reversed one only slows it (momentum)', () => {
    const opts = { ...SERVER_OPTIMIZER_DEFAULTS, kind: 'adam' as const, learningRate: 1, epsilon: 0 };
    const values = new Float32Array(1);
    let state = serverStep(values, Float32Array.of(2), null, opts);
    state = serverStep(values, Float32Array.of(2), state, opts);
    expect(values[0]).toBeCloseTo(2, 5);
    const before = values[0];
    serverStep(values, Float32Array.of(-2), state, opts);
    const moved = values[0] - before;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(0.5);
  });

  test('refuses an update of the wrong length', () => {
    expect(() => serverStep(new Float32Array(2), new Float32Array(3), null, SERVER_OPTIMIZER_DEFAULTS)).toThrow(/3 values for 2 weights/);
  });
});

describe('optimizer state bytes', () => {
  test('round-trip, and anything of another size reads as no state (a fresh optimizer)', () => {
    const state = { step: 7, m: Float32Array.of(0.5, -1), v: Float32Array.of(0.25, 2) };
    const back = decodeState(encodeState(state), 2)!;
    expect(back.step).toBe(7);
    expect(Array.from(back.m)).toEqual([0.5, -1]);
    expect(Array.from(back.v)).toEqual([0.25, 2]);
    expect(decodeState(encodeState(state), 3)).toBeNull();
    expect(decodeState(null, 2)).toBeNull();
  });
});

describe('roundRate', () => {
  test('a cosine from the base rate at round 1 to final × base at the horizon, flat after it', () => {
    expect(roundRate(0.01, 1, 101, 0.1)).toBeCloseTo(0.01, 12);
    expect(roundRate(0.01, 51, 101, 0.1)).toBeCloseTo(0.0055, 12);
    expect(roundRate(0.01, 101, 101, 0.1)).toBeCloseTo(0.001, 12);
    expect(roundRate(0.01, 500, 101, 0.1)).toBeCloseTo(0.001, 12);
    expect(roundRate(0.01, 1, 1, 0.1)).toBe(0.01);
    expect(roundRate(0.01, 101, 101, 0.5)).toBeCloseTo(0.005, 12);
  });
});

describe('scheduledStep', () => {
  test('takes the step at the rate roundRate gives the round', () => {
    const opts = { ...SERVER_OPTIMIZER_DEFAULTS, kind: 'sgd' as const, learningRate: 2, finalRate: 0.25 };
    const first = Float32Array.of(0);
    const last = Float32Array.of(0);
    scheduledStep(first, Float32Array.of(1), null, opts, 1, 5);
    scheduledStep(last, Float32Array.of(1), null, opts, 5, 5);
    expect(first[0]).toBeCloseTo(2, 6);
    expect(last[0]).toBeCloseTo(0.5, 6);
  });
});
