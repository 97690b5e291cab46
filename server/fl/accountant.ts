// Rényi-DP accountant for the sampled Gaussian mechanism (Mironov, Talwar & Zhang 2019), the
// mechanism of DP-FedAvg (McMahan et al. 2018): each round samples clients with probability q,
// clips each client's update to norm C and adds N(0, (zC)^2) to their sum.

/** RDP orders: the integer orders used by TF Privacy's accountant, enough for ε in 0.1..100. */
export const ORDERS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20, 24, 28, 32, 48, 64, 96, 128, 256, 512];

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

/** RDP of one round at integer order α: log(A_α)/(α-1), A_α = Σ_k C(α,k)(1-q)^(α-k) q^k e^((k²-k)/(2z²)). */
export function rdpSampledGaussian(q: number, z: number, alpha: number): number {
  if (q <= 0) return 0;
  if (z <= 0) return Infinity;
  if (q >= 1) return alpha / (2 * z * z);
  let logA = -Infinity;
  for (let k = 0; k <= alpha; k++) {
    const term = logBinomial(alpha, k) + (alpha - k) * Math.log1p(-q) + k * Math.log(q) + ((k * k - k) / (2 * z * z));
    logA = logAdd(logA, term);
  }
  return logA / (alpha - 1);
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

/** ε after `rounds` rounds at sampling rate q and noise multiplier z. */
export function epsilonAfter(q: number, z: number, rounds: number, delta: number): number {
  return epsilon(rdp(q, z, rounds), delta).epsilon;
}

/** The most rounds whose ε stays within the budget (0 if even one round exceeds it). */
export function maxRounds(q: number, z: number, delta: number, budget: number, limit = 100000): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (epsilonAfter(q, z, mid, delta) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
