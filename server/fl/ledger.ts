// The privacy ledger: the ε that aggregated rounds have spent, whether one more round fits in the
// budget, and why training stops. It knows rounds only by what the accountant charges for them, so
// every aggregation mode accounts its rounds here.
import { epsilonSpent, maxRounds } from '../../src/privacy/accountant';
import type { FlConfig } from './config';
import type { RoundRow } from './store';

/** What the accountant charges for one round: its sampling rate q and noise multiplier z. */
type Charge = Pick<RoundRow, 'samplingRate' | 'noiseMultiplier'>;

export type LedgerSettings = Pick<FlConfig, 'cohort' | 'population' | 'noiseMultiplier' | 'delta' | 'epsilonBudget' | 'rounds'>;

export interface Ledger {
  /** What the configuration charges for each new round. */
  readonly charge: Charge;
  /** Rounds the server learning rate decays over: FL_ROUNDS, or as many as the budget allows. */
  readonly horizon: number;
  /** ε spent by `rounds`, at the configured δ. */
  spent(rounds: readonly Charge[]): number;
  /** Why training has stopped after `rounds`, or null while it goes on. */
  stopReason(rounds: readonly Charge[]): string | null;
}

export function createLedger(cfg: LedgerSettings): Ledger {
  const charge: Charge = { samplingRate: cfg.cohort / cfg.population, noiseMultiplier: cfg.noiseMultiplier };

  // Every request asks (is the budget spent?), and the answer changes only when a round closes: the
  // accountant's evaluation costs up to about a second (the PLD at 1,000 rounds), a lookup nothing.
  const memo = new Map<string, number>();

  function spent(rounds: readonly Charge[]): number {
    if (rounds.length === 0) return 0;
    // Rounds with the same (q, z) compose as one group: the cost stays flat as rounds accumulate.
    const groups = new Map<string, { q: number; z: number; n: number }>();
    for (const r of rounds) {
      const key = `${r.samplingRate}/${r.noiseMultiplier}`;
      const g = groups.get(key) ?? { q: r.samplingRate, z: r.noiseMultiplier, n: 0 };
      g.n++;
      groups.set(key, g);
    }
    const key = [...groups.values()].map((g) => `${g.q}/${g.z}/${g.n}`).join(' ');
    const known = memo.get(key);
    if (known !== undefined) return known;
    const eps = epsilonSpent([...groups.values()], cfg.delta);
    if (memo.size > 64) memo.clear();
    memo.set(key, eps);
    return eps;
  }

  return {
    charge,
    horizon: Math.min(cfg.rounds, maxRounds(charge.samplingRate, charge.noiseMultiplier, cfg.delta, cfg.epsilonBudget)),
    spent,
    stopReason: (rounds) =>
      rounds.length >= cfg.rounds ? `FL_ROUNDS (${cfg.rounds}) rounds are done`
      : spent([...rounds, charge]) > cfg.epsilonBudget ? 'the privacy budget is spent'
      : null,
  };
}
