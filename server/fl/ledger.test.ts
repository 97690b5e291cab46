// The privacy ledger on its own: what rounds of mixed configurations spend, when it stops
// training, and the horizon the server learning rate decays over.
import { describe, expect, test } from 'vitest';
import { epsilon, epsilonAfter, epsilonSpent, maxRounds, rdp } from '../../src/privacy/accountant';
import { createLedger, type LedgerSettings } from './ledger';

const settings: LedgerSettings = { cohort: 2, population: 100, noiseMultiplier: 1, delta: 1e-5, epsilonBudget: 8, rounds: Infinity };

describe('the ledger', () => {
  test('charges each round its own q and z: rounds under several configurations compose (RDP sum or PLD, the smaller)', () => {
    const ledger = createLedger(settings);
    expect(ledger.charge).toEqual({ samplingRate: 0.02, noiseMultiplier: 1 });
    expect(ledger.spent([])).toBe(0);
    // Earlier rounds under another z, and under another q.
    const noisier = { samplingRate: 0.02, noiseMultiplier: 2 };
    const sparser = { samplingRate: 0.01, noiseMultiplier: 1 };
    const rounds = [noisier, ledger.charge, sparser, noisier, ledger.charge, ledger.charge];
    const sum = rdp(0.02, 2, 2).map((v, i) => v + rdp(0.01, 1, 1)[i] + rdp(0.02, 1, 3)[i]);
    expect(ledger.spent(rounds)).toBeCloseTo(epsilonSpent([{ q: 0.02, z: 2, n: 2 }, { q: 0.01, z: 1, n: 1 }, { q: 0.02, z: 1, n: 3 }], 1e-5), 9);
    expect(ledger.spent(rounds)).toBeLessThanOrEqual(epsilon(sum, 1e-5).epsilon);
    expect(ledger.spent([ledger.charge, ledger.charge])).toBeCloseTo(epsilonAfter(0.02, 1, 2, 1e-5), 12);
  });

  test('stops at the round that would take ε over the budget, or at FL_ROUNDS, whichever comes first', () => {
    const budget = (epsilonAfter(0.02, 1, 4, 1e-5) + epsilonAfter(0.02, 1, 5, 1e-5)) / 2;
    const ledger = createLedger({ ...settings, epsilonBudget: budget });
    const after = (n: number) => ledger.stopReason(Array.from({ length: n }, () => ledger.charge));
    expect(ledger.horizon).toBe(4);
    expect(after(3)).toBeNull();
    expect(after(4)).toBe('the privacy budget is spent');
    const capped = createLedger({ ...settings, epsilonBudget: budget, rounds: 2 });
    expect(capped.horizon).toBe(2);
    expect(capped.stopReason([capped.charge])).toBeNull();
    expect(capped.stopReason([capped.charge, capped.charge])).toBe('FL_ROUNDS (2) rounds are done');
  });

  test('with no round limit, the horizon is as many rounds as the budget allows', () => {
    expect(createLedger(settings).horizon).toBe(maxRounds(0.02, 1, 1e-5, 8));
  });
});
