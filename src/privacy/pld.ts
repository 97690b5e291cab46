// A privacy loss distribution (PLD) accountant for the Poisson-sampled Gaussian mechanism (Koskela,
// Jälkö & Honkela 2020; Google's dp_accounting). RDP (accountant.ts) bounds ε through an inequality
// that is loose at DP-FedAvg's settings; the PLD computes δ(ε) of the composed rounds themselves, up
// to a discretization that only ever overstates it:
//
// - each round's privacy loss is rounded *up* to a grid of width h, so the composed loss, and with
//   it δ(ε) = E[(1 − e^(ε − L))₊], can only grow;
// - a tail past a round's grid is either placed on the grid's lowest point (losses below it:
//   rounded up) or counted as an infinite loss (above it: it adds its whole mass to δ);
// - the composition keeps a window of the composed loss, whose tails (bounded by Chernoff's
//   inequality) are added to δ whole, and the FFT's rounding is bounded and added too.
//
// Both neighbouring relations are computed (a device removed: the sampled mixture against the
// Gaussian; a device added: the reverse) and the larger δ is kept. With sensitivity 1 and noise
// σ = z, these one-dimensional pairs dominate the mechanism in any dimension (Zhu, Dong & Wang 2022).
import { fft } from './fft';
import { normalCdf } from './normal';

/** `n` rounds at sampling rate q and noise multiplier z. */
export interface RoundGroup {
  q: number;
  z: number;
  n: number;
}

/** The grid's width for `rounds` rounds. Rounding each loss up overstates ε by about rounds·h/2:
 *  0.015 up to 300 rounds, 0.05 at 1,000 (a finer grid there would cost seconds an evaluation). */
function gridWidth(rounds: number): number {
  return Math.min(1e-3, Math.max(1e-4, 0.03 / rounds));
}
/** Beyond this many points a composition's memory and time are not worth it: callers use RDP. */
const MAX_POINTS = 1 << 22;
/** Past this many rounds in all, neither: the grid narrows as rounds grow (gridWidth), and one
 *  evaluation at 1,000 rounds takes about a second here. */
export const MAX_ROUNDS = 1000;
/** A round's tail mass left outside its grid (the upper one counted as an infinite loss). */
const TAIL = 1e-18;
/** The composed tails left outside the window, each side, as a share of δ: added to δ whole. */
const WINDOW_TAIL = 1e-6;

interface RoundPld {
  /** pmf[i] is the probability of the loss (lo + i)·h. */
  pmf: Float64Array;
  lo: number;
  /** Probability of a loss beyond the grid, counted as infinite. */
  infinite: number;
}

/** P(loss ≤ L) and P(loss > L) for one direction, both accurate in their own tail. */
type LossCdf = (loss: number) => [number, number];

/** x where the mixture's log-ratio ln((1 − q) + q e^((2x − 1)/(2σ²))) equals `loss`; −∞ below its
 *  floor ln(1 − q). */
function xOfLoss(loss: number, q: number, sigma: number): number {
  const rest = (1 - q) * Math.exp(-loss);
  if (rest >= 1) return -Infinity;
  return sigma * sigma * (loss + Math.log1p(-rest) - Math.log(q)) + 0.5;
}

/** Removing a device: X from the mixture (1 − q)N(0, σ²) + qN(1, σ²), loss increasing in X. */
function removeCdf(q: number, sigma: number): LossCdf {
  return (loss) => {
    const x = xOfLoss(loss, q, sigma);
    if (x === -Infinity) return [0, 1];
    const below = (1 - q) * normalCdf(x / sigma) + q * normalCdf((x - 1) / sigma);
    const above = (1 - q) * normalCdf(-x / sigma) + q * normalCdf((1 - x) / sigma);
    return [below, above];
  };
}

/** Adding a device: X from N(0, σ²) against the mixture, loss decreasing in X. */
function addCdf(q: number, sigma: number): LossCdf {
  return (loss) => {
    const x = xOfLoss(-loss, q, sigma);
    if (x === -Infinity) return [1, 0];
    return [normalCdf(-x / sigma), normalCdf(x / sigma)];
  };
}

/** The grid's first and last points: where the tails fall under TAIL (or the loss's own bound). */
function gridRange(cdf: LossCdf, h: number): [number, number] {
  const belowOk = (k: number) => cdf(k * h)[0] <= TAIL;
  const aboveOk = (k: number) => cdf(k * h)[1] <= TAIL;
  let lo = -1;
  while (!belowOk(lo)) lo *= 2;
  let hi = 1;
  while (!aboveOk(hi)) hi *= 2;
  return [closest(lo, belowOk), closest(hi, aboveOk)];
}

/** The point nearest 0 between 0 and `far` (which is ok) that is still ok, by bisection. */
function closest(far: number, ok: (k: number) => boolean): number {
  let near = 0;
  if (ok(near)) return near;
  while (Math.abs(far - near) > 1) {
    const mid = Math.trunc((far + near) / 2);
    if (ok(mid)) far = mid;
    else near = mid;
  }
  return far;
}

/** One round's loss, rounded up to the grid: the mass of ((k − 1)h, kh] goes to kh; null when the
 *  grid alone would pass MAX_POINTS. */
function roundPld(cdf: LossCdf, h: number): RoundPld | null {
  const [lo, hi] = gridRange(cdf, h);
  if (hi - lo + 1 > MAX_POINTS) return null;
  const pmf = new Float64Array(hi - lo + 1);
  let prev = cdf(lo * h);
  pmf[0] = prev[0]; // everything at or below the first point, rounded up onto it
  for (let k = lo + 1; k <= hi; k++) {
    const next = cdf(k * h);
    // Each difference from the side where both values are small, so neither cancels.
    pmf[k - lo] = next[0] < 0.5 ? next[0] - prev[0] : prev[1] - next[1];
    prev = next;
  }
  return { pmf, lo, infinite: prev[1] };
}

/** log E[e^(λL)] over a round's finite losses. */
function logMgf(pld: RoundPld, lambda: number, h: number): number {
  let max = -Infinity;
  for (let k = 0; k < pld.pmf.length; k++) if (pld.pmf[k] > 0) max = Math.max(max, lambda * (pld.lo + k) * h);
  let sum = 0;
  for (let k = 0; k < pld.pmf.length; k++) sum += pld.pmf[k] * Math.exp(lambda * (pld.lo + k) * h - max);
  return max + Math.log(sum);
}

const LAMBDAS = [0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16];

/** Grid points (whole composed loss) between which all but `tail` of the mass lies on each side:
 *  Chernoff's bound P(ΣL ≥ t) ≤ Π E[e^(λL)]^n · e^(−λt), and its mirror for the lower tail. */
function window(rounds: readonly Composed[], h: number, tail: number): [number, number] {
  const bound = (lambda: number) => (rounds.reduce((s, r) => s + r.n * logMgf(r.pld, lambda, h), 0) - Math.log(tail)) / lambda;
  const top = Math.min(...LAMBDAS.map(bound));
  const bottom = Math.max(...LAMBDAS.map((l) => bound(-l)));
  const support = rounds.reduce(([lo, hi], r) => [lo + r.n * r.pld.lo, hi + r.n * (r.pld.lo + r.pld.pmf.length - 1)], [0, 0]);
  return [Math.max(support[0], Math.floor(bottom / h)), Math.min(support[1], Math.ceil(top / h))];
}

interface Composed {
  pld: RoundPld;
  n: number;
}

/** The composed loss on the grid points [lo, lo + pmf.length), each at least its true mass, with
 *  `slack` bounding what lies outside them, or null when the window would not fit in MAX_POINTS. */
function compose(rounds: readonly Composed[], h: number, delta: number): { pmf: Float64Array; lo: number; slack: number } | null {
  const tail = delta * WINDOW_TAIL;
  const [first, last] = window(rounds, h, tail);
  let size = 1;
  while (size < last - first + 1) size *= 2;
  if (size > MAX_POINTS) return null;
  // A circular convolution of length `size`: mass outside the window folds back onto points inside
  // it, which only adds to them (every true value is ≥ 0), and is at most 2·tail.
  const re = new Float64Array(size).fill(1);
  const im = new Float64Array(size);
  const gr = new Float64Array(size);
  const gi = new Float64Array(size);
  for (const { pld, n } of rounds) {
    gr.fill(0);
    gi.fill(0);
    for (let k = 0; k < pld.pmf.length; k++) gr[k % size] += pld.pmf[k];
    fft(gr, gi);
    for (let i = 0; i < size; i++) {
      const [pr, pi] = power(gr[i], gi[i], n);
      const a = re[i];
      re[i] = a * pr - im[i] * pi;
      im[i] = a * pi + im[i] * pr;
    }
  }
  fft(re, im, true);
  const base = rounds.reduce((s, r) => s + r.n * r.pld.lo, 0);
  const pmf = new Float64Array(last - first + 1);
  // Rounding leaves tiny negative values; zero is more mass where a loss is, so δ only grows.
  for (let k = first; k <= last; k++) pmf[k - first] = Math.max(0, re[(((k - base) % size) + size) % size]);
  // A bound on the FFT's absolute error summed over the window: each spectrum value (at most 1 in
  // modulus) is off by about log2(size)·ε_mach after a transform and n times that after its n-th
  // power, and the inverse transform passes at most that on to each point.
  const powers = rounds.reduce((s, r) => s + r.n, 0);
  const error = pmf.length * (2 * Math.log2(size) + powers) * 4 * Number.EPSILON;
  const infinite = 1 - rounds.reduce((p, r) => p * (1 - r.pld.infinite) ** r.n, 1);
  return { pmf, lo: first, slack: 2 * tail + error + infinite };
}

/** (x + iy)^n by squaring: 2·log2(n) products, each off by a few ε_mach. */
function power(x: number, y: number, n: number): [number, number] {
  let rr = 1;
  let ri = 0;
  let br = x;
  let bi = y;
  for (let e = n; e > 0; e >>= 1) {
    if (e & 1) {
      const t = rr * br - ri * bi;
      ri = rr * bi + ri * br;
      rr = t;
    }
    const t = br * br - bi * bi;
    bi = 2 * br * bi;
    br = t;
  }
  return [rr, ri];
}

/** The smallest ε ≥ 0 with δ(ε) ≤ `delta` for a composed loss on the grid. */
function epsilonOf(pmf: Float64Array, lo: number, h: number, delta: number): number {
  // Walking down the grid: for ε in [L_{j−1}, L_j), δ(ε) = A − D·e^(ε − L_{j−1}), with A the mass
  // at L_j and above and D = Σ_{i ≥ j} pmf_i e^(L_{j−1} − L_i) ≤ A (no overflow at any loss).
  // Below the window's first point the same form holds with every point counted.
  const decay = Math.exp(-h);
  let a = 0;
  let d = 0;
  let below = 0;
  for (let j = pmf.length - 1; j >= 0; j--) {
    a += pmf[j];
    d = decay * (pmf[j] + d);
    below = (lo + j - 1) * h;
    if (a - d > delta) break;
    if (below <= 0) return 0;
  }
  return a > delta ? Math.max(0, below + Math.log((a - delta) / d)) : 0;
}

/** ε at `delta` after the groups' rounds, or Infinity past MAX_ROUNDS or MAX_POINTS (use RDP then). */
export function pldEpsilon(groups: readonly RoundGroup[], delta: number): number {
  const active = groups.filter((g) => g.n > 0 && g.q > 0);
  if (active.length === 0) return 0;
  if (active.some((g) => !(g.z > 0) || g.q > 1)) return Infinity;
  const total = active.reduce((s, g) => s + g.n, 0);
  if (total > MAX_ROUNDS) return Infinity;
  const h = gridWidth(total);
  let worst = 0;
  for (const direction of [removeCdf, addCdf]) {
    const rounds: Composed[] = [];
    for (const g of active) {
      const pld = roundPld(direction(g.q, g.z), h);
      if (!pld) return Infinity;
      rounds.push({ pld, n: g.n });
    }
    const composed = compose(rounds, h, delta);
    if (!composed) return Infinity;
    const target = delta - composed.slack;
    if (target <= 0) return Infinity;
    worst = Math.max(worst, epsilonOf(composed.pmf, composed.lo, h, target));
  }
  return worst;
}
