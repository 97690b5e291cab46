// The privacy accountant for the sampled Gaussian mechanism, the mechanism of DP-FedAvg (McMahan
// et al. 2018): each round samples clients with probability q, clips each client's update to norm C
// and adds N(0, (zC)^2) to their sum. Two bounds on the same ε, and the smaller is charged (both
// hold): Rényi DP (Mironov, Talwar & Zhang 2019), here, and the privacy loss distribution (pld.ts),
// tighter at DP-FedAvg's settings but only computed where its grid fits.
import { pldEpsilon, type RoundGroup } from './pld';

export type { RoundGroup } from './pld';

/** RDP orders: quarter steps from 1.25 to 4 (fractional orders, as in TF Privacy's default grid),
 *  then coarser up to 512; enough for ε in 0.1..100. At DP-FedAvg's small noise multipliers the
 *  best order lies between 2 and 4, where a grid of integers alone can overstate ε (q = 1024 /
 *  22,363, z = 0.675, 58 rounds, δ = 1e-5: 8.02 at order 3, 7.79 at order 2.75). */
export const ORDERS = [
  1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 4.5, 5, 5.5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20, 24, 28, 32, 48, 64, 96,
  128, 256, 512,
];

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

function logBinomial(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** log(e^a - e^b). The series' partial sums are positive; a negative one would mean a bug, and
 *  silently clamping it could understate ε, so it throws (as TF Privacy's _log_sub does). */
function logSub(a: number, b: number): number {
  if (b > a) throw new Error('accountant: a partial sum of the RDP series went negative');
  if (b === -Infinity) return a;
  if (b === a) return -Infinity;
  return a + Math.log1p(-Math.exp(b - a));
}

/** RDP of one round at order α > 1: log(A_α)/(α-1) (Mironov, Talwar & Zhang 2019). */
export function rdpSampledGaussian(q: number, z: number, alpha: number): number {
  if (q <= 0) return 0;
  if (z <= 0) return Infinity;
  if (q >= 1) return alpha / (2 * z * z);
  return (Number.isInteger(alpha) ? logAInteger(q, z, alpha) : logAFractional(q, z, alpha)) / (alpha - 1);
}

/** Integer α: A_α = Σ_k C(α,k)(1-q)^(α-k) q^k e^((k²-k)/(2z²)). */
function logAInteger(q: number, z: number, alpha: number): number {
  let logA = -Infinity;
  for (let k = 0; k <= alpha; k++) {
    const term = logBinomial(alpha, k) + (alpha - k) * Math.log1p(-q) + k * Math.log(q) + ((k * k - k) / (2 * z * z));
    logA = logAdd(logA, term);
  }
  return logA;
}

/** Fractional α: A_α split at z0 into two convergent series of Gaussian tail integrals (Mironov et
 *  al. 2019, Section 3.3; TF Privacy's _compute_log_a_frac). */
function logAFractional(q: number, z: number, alpha: number): number {
  let a0 = -Infinity;
  let a1 = -Infinity;
  const z0 = z * z * Math.log(1 / q - 1) + 0.5;
  let logCoef = 0; // log |C(α, i)|
  let sign = 1;
  for (let i = 0; ; i++) {
    // Unconverged, the sum would be too small and ε understated.
    if (i === 100000) throw new Error(`accountant: the RDP series did not converge (q ${q}, z ${z}, α ${alpha})`);
    if (i > 0) {
      const f = (alpha - i + 1) / i;
      logCoef += Math.log(Math.abs(f));
      if (f < 0) sign = -sign;
    }
    const j = alpha - i;
    const t0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
    const t1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
    const e0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * z));
    const e1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * z));
    const s0 = t0 + (i * i - i) / (2 * z * z) + e0;
    const s1 = t1 + (j * j - j) / (2 * z * z) + e1;
    a0 = sign > 0 ? logAdd(a0, s0) : logSub(a0, s0);
    a1 = sign > 0 ? logAdd(a1, s1) : logSub(a1, s1);
    if (Math.max(s0, s1) < -30) break;
  }
  return logAdd(a0, a1);
}

/** log erfc(x), in log space so that far tails do not underflow: the Chebyshev fit of Numerical
 *  Recipes (relative error below 1.2e-7 everywhere). */
export function logErfc(x: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const logTail = Math.log(t) - ax * ax + poly; // log erfc(|x|)
  return x >= 0 ? logTail : Math.log(2 - Math.exp(logTail));
}

/** RDP of `rounds` compositions, one value per order. */
export function rdp(q: number, z: number, rounds: number, orders = ORDERS): number[] {
  return orders.map((a) => rounds * rdpSampledGaussian(q, z, a));
}

/** (ε, best order) for a target δ, with the conversion of Balle et al. 2020 (as in TF Privacy). */
export function epsilon(rdpValues: readonly number[], delta: number, orders = ORDERS): { epsilon: number; order: number } {
  if (rdpValues.every((r) => r === 0)) return { epsilon: 0, order: orders[0] }; // nothing released yet
  let best = { epsilon: Infinity, order: orders[0] };
  rdpValues.forEach((r, i) => {
    const a = orders[i];
    const eps = r + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    if (eps < best.epsilon) best = { epsilon: Math.max(0, eps), order: a };
  });
  return best;
}

/** ε at `delta` after the groups' rounds: the smaller of the RDP and PLD bounds. */
export function epsilonSpent(groups: readonly RoundGroup[], delta: number): number {
  const active = groups.filter((g) => g.n > 0);
  if (active.length === 0) return 0;
  const total = active.map((g) => rdp(g.q, g.z, g.n)).reduce((a, b) => a.map((v, i) => v + b[i]));
  return Math.min(epsilon(total, delta).epsilon, pldEpsilon(active, delta));
}

/** ε after `rounds` rounds at sampling rate q and noise multiplier z. */
export function epsilonAfter(q: number, z: number, rounds: number, delta: number): number {
  return epsilonSpent([{ q, z, n: rounds }], delta);
}

/** The most rounds whose ε stays within the budget (0 if even one round exceeds it). */
export function maxRounds(q: number, z: number, delta: number, budget: number, limit = 100000): number {
  // RDP's answer first (cheap at any count), then upwards from it with both bounds: a PLD
  // evaluation's cost grows with the rounds, so the search never tries counts far past the answer.
  let lo = largest(0, limit, (n) => epsilon(rdp(q, z, n), delta).epsilon <= budget);
  const fits = (n: number) => epsilonAfter(q, z, n, delta) <= budget;
  let step = Math.max(1, Math.ceil(lo / 8));
  while (lo < limit && fits(Math.min(limit, lo + step))) {
    lo = Math.min(limit, lo + step);
    step *= 2;
  }
  return largest(lo, Math.min(limit, lo + step - 1), fits);
}

/** The largest n in [lo, hi] with ok(n), given ok(lo) (or lo = 0) and ok monotone decreasing. */
function largest(lo: number, hi: number, ok: (n: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
