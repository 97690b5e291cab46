// The standard normal distribution's CDF to near double precision in both tails: the privacy
// loss distribution (pld.ts) takes each bin's mass as a difference of two of its values, far out
// in the tails, where an approximation accurate to 1e-7 relative (accountant.ts's logErfc) would
// move mass between bins by more than the bins' own width is worth.

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0: 1 − erf (series) below 3, where erfc ≥ 2.2e-5 and at most 12 digits of 16
 *  go to the subtraction; the continued fraction above, which converges fast there. */
function erfcPositive(x: number): number {
  if (x < 3) return 1 - erfSeries(x);
  return Math.exp(-x * x) * INV_SQRT_PI / continuedFraction(x);
}

/** erf(x) = 2/√π e^(−x²) Σ 2ⁿ x^(2n+1) / (2n+1)!!: every term positive, so nothing cancels. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return 2 * INV_SQRT_PI * Math.exp(-x * x) * sum;
}

/** x + (1/2)/(x + 1/(x + (3/2)/(x + …))), by the modified Lentz method. */
function continuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) return f;
  }
  throw new Error(`normal: erfc's continued fraction did not converge at ${x}`);
}

/** P(N(0, 1) ≤ t). */
export function normalCdf(t: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const x = -t / Math.SQRT2;
  return x >= 0 ? 0.5 * erfcPositive(x) : 1 - 0.5 * erfcPositive(-x);
}
