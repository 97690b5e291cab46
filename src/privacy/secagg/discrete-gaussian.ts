// The exact discrete Gaussian N_Z(0, σ²) of Canonne, Kamath & Steinke 2020 ("The Discrete Gaussian
// for Differential Privacy"): Bernoulli(exp(−γ)) for rational γ (their Algorithm 1), the discrete
// Laplace (Algorithm 2) and rejection from it (Algorithm 3). σ² is a fraction of integers and every
// decision compares a uniform integer with an exact rational, so for uniform random words the output
// has exactly the discrete Gaussian's distribution; no float noise ever reaches the ring. Numbers
// carry the arithmetic while it stays below 2^52, BigInt beyond (σ in the tens of thousands).
import { MAX_CODE } from '../fixed-point';
import { ringMask, type Width } from './ring';
import { cryptoWords, UniformSource, type FillWords } from './uniform';

export interface Rational {
  num: bigint;
  den: bigint;
}

/** σ ≥ z·unit exactly: the float z's exact binary value times `unit`, rounded UP to a multiple of
 *  2^−10, so the noise is never below what the accountant assumes, and fractions stay small. */
export function noiseSigma(noiseMultiplier: number, unit = MAX_CODE): Rational {
  if (!(noiseMultiplier > 0 && Number.isFinite(noiseMultiplier))) throw new Error(`noise: multiplier ${noiseMultiplier} must be finite and > 0`);
  if (!(Number.isInteger(unit) && unit > 0)) throw new Error(`noise: unit ${unit} must be a positive integer`);
  let m = noiseMultiplier;
  let e = 0n;
  // Doubling is exact, so z = m / 2^e exactly once m is an integer.
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  const scaled = BigInt(m) * BigInt(unit) << RESOLUTION_BITS;
  const den = 1n << e;
  return reduce({ num: (scaled + den - 1n) / den, den: 1n << RESOLUTION_BITS });
}

const RESOLUTION_BITS = 10n;

export const squared = (r: Rational): Rational => reduce({ num: r.num * r.num, den: r.den * r.den });

function reduce(r: Rational): Rational {
  let a = r.num;
  let b = r.den;
  while (b) [a, b] = [b, a % b];
  return { num: r.num / a, den: r.den / a };
}

const SAFE = Number.MAX_SAFE_INTEGER;
// Integers up to 2^52 keep every product and correction in bernoulliExp exact in doubles.
const SMALL = 2 ** 52;
// Past this, σ's integer part and the Laplace scale stop fitting the Number fast paths.
const MAX_SIGMA = 2 ** 24;

export class DiscreteGaussian {
  private readonly uniform: UniformSource;
  private readonly p: bigint;
  /** The Laplace proposal's scale, ⌊σ⌋ + 1. */
  private readonly t: number;
  private readonly tq: bigint;
  /** γ = (|Y|·t·q − p)² / D with D = 2·p·q·t². */
  private readonly d: bigint;
  private readonly small: { p: number; tq: number; d: number } | undefined;

  /** Samples N_Z(0, σ²) for σ² = num/den, drawing 32-bit words from `source`. */
  constructor(sigma2: Rational, source: FillWords = cryptoWords) {
    this.uniform = new UniformSource(source);
    const { num: p, den: q } = reduce(sigma2);
    if (!(p > 0n && q > 0n)) throw new Error(`discrete Gaussian: σ² = ${sigma2.num}/${sigma2.den} must be > 0`);
    let root = BigInt(Math.floor(Math.sqrt(Number(p) / Number(q))));
    while (root * root * q > p) root--;
    while ((root + 1n) * (root + 1n) * q <= p) root++;
    if (root >= MAX_SIGMA) throw new Error(`discrete Gaussian: σ ≥ ${MAX_SIGMA} is not supported`);
    this.p = p;
    this.t = Number(root) + 1;
    this.tq = BigInt(this.t) * q;
    this.d = 2n * p * q * BigInt(this.t) ** 2n;
    this.small = this.d <= BigInt(SMALL) ? { p: Number(p), tq: Number(this.tq), d: Number(this.d) } : undefined;
  }

  sample(): number {
    for (;;) {
      const y = this.laplace();
      if (this.accept(Math.abs(y))) return y;
    }
  }

  fill(out: Int32Array): Int32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.sample();
    return out;
  }

  /** v += noise (mod 2^w), one draw per coordinate: an aggregator's noise on its share of the sum. */
  addToRing(v: Uint32Array, width: Width): void {
    const mask = ringMask(width);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] + this.sample()) & mask;
  }

  /** Bernoulli(exp(−(|y| − σ²/t)² / 2σ²)): Algorithm 3's acceptance. */
  private accept(y: number): boolean {
    const s = this.small;
    if (s && y * s.tq <= SAFE) {
      const a = y * s.tq - s.p;
      // a² may pass 2^52 even when D does not: then it is split exactly in BigInt below.
      if (Math.abs(a) <= 2 ** 26) return this.bernoulliExp(a * a, s.d);
    }
    const a = BigInt(y) * this.tq - this.p;
    const n = a * a;
    const whole = n / this.d;
    for (let i = 0n; i < whole; i++) if (!this.bernoulliExpUnit(1, 1)) return false;
    const rest = n - whole * this.d;
    return this.small ? this.bernoulliExpUnit(Number(rest), this.small.d) : this.bernoulliExpUnitBig(rest, this.d, 1);
  }

  /** Bernoulli(exp(−n/d)) for integers 0 ≤ n ≤ 2^52, 0 < d ≤ 2^52: exp(−1) per whole unit, then the rest. */
  private bernoulliExp(n: number, d: number): boolean {
    let whole = Math.floor(n / d);
    let rest = n - whole * d;
    // Float division may round up to the next integer: correct the split exactly.
    if (rest < 0) {
      whole -= 1;
      rest += d;
    }
    for (let i = 0; i < whole; i++) if (!this.bernoulliExpUnit(1, 1)) return false;
    return this.bernoulliExpUnit(rest, d);
  }

  /** Bernoulli(exp(−n/d)) for 0 ≤ n ≤ d (Algorithm 1, γ ≤ 1): the first k with Bernoulli(γ/k) = 0 is odd. */
  private bernoulliExpUnit(n: number, d: number): boolean {
    let k = 1;
    for (;;) {
      if (d * k > SAFE) return this.bernoulliExpUnitBig(BigInt(n), BigInt(d), k);
      if (this.uniform.below(d * k) >= n) return (k & 1) === 1;
      k++;
    }
  }

  private bernoulliExpUnitBig(n: bigint, d: bigint, from: number): boolean {
    let k = from;
    while (this.uniform.lessBig(n, d * BigInt(k))) k++;
    return (k & 1) === 1;
  }

  /** Discrete Laplace with scale t (Algorithm 2 with s = 1): P(x) ∝ exp(−|x|/t). */
  private laplace(): number {
    const t = this.t;
    for (;;) {
      const u = this.uniform.below(t);
      if (!this.bernoulliExpUnit(u, t)) continue;
      let v = 0;
      while (this.bernoulliExpUnit(1, 1)) v++;
      const x = u + t * v;
      const negative = (this.uniform.word() & 1) === 1;
      if (negative && x === 0) continue;
      return negative ? -x : x;
    }
  }
}
