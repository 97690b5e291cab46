// Arithmetic in Z_2^w, w a whole number of bytes up to 32, on Uint32Array vectors. Shares of a
// device's int16 update are ring elements; the aggregators add them mod 2^w and the leader reads
// the final sum back as a signed integer. A Uint32Array store reduces mod 2^32 by itself, so
// `(a ± b) & mask` is exact for every width as long as a ± b stays within ±2^53.
//
// Choosing w: the decoded sum is exact iff the true integer sum lies in [−2^(w−1), 2^(w−1)).
//  - K honest clipped updates: |x_ij| ≤ 32767 per coordinate, so |Σ_i x_ij| ≤ K·32767.
//  - Each aggregator adds one discrete Gaussian N_Z(0, σ²) per coordinate. It is σ-subgaussian
//    (Canonne, Kamath & Steinke 2020: E[e^{λX}] ≤ e^{λ²σ²/2}), so by Chernoff
//    P(|n| ≥ 20σ) ≤ 2·e^{−200} < 3·10^−87. The sampler may round σ up by < 2^−10, hence 20(σ + 1).
//  - Bound: K·32767 + 2·⌈20(σ + 1)⌉ ≤ 2^(w−1) − 1. Over 84,608 coordinates, two aggregators and a
//    thousand rounds the chance that any coordinate leaves the ring is below 10^−78.
// With σ = z·32767 (z = 1): K = 50 needs 2,949,070 ≤ 2^23 − 1, so 24 bits; 32 bits hold up to
// K = 65,497. A malicious device can put any ring element in its share: that is what the leader's
// bound check on the decoded sum is for, not the ring.
import { MAX_CODE } from '../fixed-point';
import { refuse } from './errors';

export type Width = 8 | 16 | 24 | 32;
export const WIDTHS: readonly Width[] = [8, 16, 24, 32];

/** Noise is bounded by this many standard deviations (plus one) per aggregator. */
export const TAIL_SIGMAS = 20;
const AGGREGATORS = 2;

export function checkWidth(width: number): asserts width is Width {
  if (!WIDTHS.includes(width as Width)) refuse('malformed', `ring width ${width}: expected one of ${WIDTHS.join(', ')} bits`);
}

/** 2^w − 1 (as −1, all ones, for w = 32: `&` works on int32). */
export const ringMask = (width: Width) => (width === 32 ? -1 : 2 ** width - 1);

/** Bytes of one share of `length` coordinates. */
export const shareBytes = (length: number, width: Width) => length * (width >> 3);

/** The largest |sum| of `reports` clipped updates plus both aggregators' noise (σ in fixed-point
 *  units, per aggregator), outside an event of probability < 3·10^−87 per coordinate. */
export function sumBound(reports: number, sigma: number): number {
  if (!(Number.isInteger(reports) && reports >= 0)) throw new Error(`ring: ${reports} reports is not a count`);
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new Error(`ring: noise σ ${sigma} must be finite and ≥ 0`);
  return reports * MAX_CODE + AGGREGATORS * Math.ceil(TAIL_SIGMAS * (sigma + 1));
}

/** The narrowest whole-byte ring that holds the sum of `reports` updates and the noise. */
export function ringWidth(reports: number, sigma: number): Width {
  const bound = sumBound(reports, sigma);
  const width = WIDTHS.find((w) => bound <= 2 ** (w - 1) - 1);
  if (!width) throw new Error(`ring: ${reports} reports with noise σ ${sigma} can reach ${bound}, more than 32 bits hold`);
  return width;
}

/** How many reports a round in `width` bits may sum: the leader must never accept more. */
export function maxReports(width: Width, sigma: number): number {
  const room = 2 ** (width - 1) - 1 - sumBound(0, sigma);
  return Math.max(0, Math.floor(room / MAX_CODE));
}

/** The int16 update as ring elements (two's complement mod 2^w). */
export function embed(x: Int16Array, width: Width): Uint32Array {
  const mask = ringMask(width);
  const out = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] & mask;
  return out;
}

/** acc += v (mod 2^w), in place. */
export function addInto(acc: Uint32Array, v: Uint32Array, width: Width): void {
  sameLength(acc, v.length);
  const mask = ringMask(width);
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] + v[i]) & mask;
}

/** a − b (mod 2^w), into a new vector. */
export function subtract(a: Uint32Array, b: Uint32Array, width: Width): Uint32Array {
  sameLength(a, b.length);
  const mask = ringMask(width);
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] - b[i]) & mask;
  return out;
}

/** Ring elements read as signed integers in [−2^(w−1), 2^(w−1)). */
export function toSigned(v: Uint32Array, width: Width): Int32Array {
  const shift = 32 - width;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] << shift) >> shift;
  return out;
}

// On a little-endian platform (every browser and Node build in use) a 32-bit share's wire form is
// its memory. Where a caller hands its buffer over, asRing and asBytes reuse it: a report is built
// and summed with no copy of the share beyond the one the wire needs, which matters for the helper
// and the simulator (each share is 338 KB at Beauty's size, and allocation drives the GC there).
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The wire form: each coordinate as w/8 little-endian bytes. */
export function toBytes(v: Uint32Array, width: Width): Uint8Array {
  const k = width >> 3;
  const out = new Uint8Array(v.length * k);
  if (k === 4) {
    const dv = new DataView(out.buffer);
    for (let i = 0, at = 0; i < v.length; i++, at += 4) dv.setUint32(at, v[i], true);
    return out;
  }
  // 24 bits, unrolled: the general loop is 3× slower.
  if (k === 3) {
    for (let i = 0, at = 0; i < v.length; i++, at += 3) {
      const x = v[i];
      out[at] = x;
      out[at + 1] = x >>> 8;
      out[at + 2] = x >>> 16;
    }
    return out;
  }
  for (let i = 0, at = 0; i < v.length; i++) {
    const x = v[i];
    for (let b = 0; b < k; b++) out[at++] = x >>> (8 * b);
  }
  return out;
}

/** toBytes for a caller that gives `v` up: the result may be `v`'s own memory. */
export function asBytes(v: Uint32Array, width: Width): Uint8Array {
  return width === 32 && LITTLE_ENDIAN ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : toBytes(v, width);
}

export function fromBytes(bytes: Uint8Array, width: Width): Uint32Array {
  const k = width >> 3;
  if (bytes.length % k !== 0) refuse('wrong-size', `a share of ${bytes.length} bytes is not a whole number of ${width}-bit values`);
  const out = new Uint32Array(bytes.length / k);
  addBytesInto(out, bytes, width);
  return out;
}

/** fromBytes for a caller that gives `bytes` up: the result may be their own memory. */
export function asRing(bytes: Uint8Array, width: Width): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0;
  return width === 32 && LITTLE_ENDIAN && aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : fromBytes(bytes, width);
}

/** acc += the share in `bytes` (mod 2^w): the leader sums stored shares without decoding each. */
export function addBytesInto(acc: Uint32Array, bytes: Uint8Array, width: Width): void {
  const k = width >> 3;
  if (bytes.length !== acc.length * k) refuse('wrong-size', `a share of ${bytes.length} bytes, expected ${acc.length * k} (${acc.length} × ${width} bits)`);
  const mask = ringMask(width);
  if (k === 4) {
    // A DataView reads a report's share where it lies (at any offset) without a copy; a
    // Uint32Array store reduces mod 2^32.
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0, at = 0; i < acc.length; i++, at += 4) acc[i] = acc[i] + dv.getUint32(at, true);
    return;
  }
  if (k === 3) {
    for (let i = 0, at = 0; i < acc.length; i++, at += 3) {
      acc[i] = (acc[i] + (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16))) & mask;
    }
    return;
  }
  for (let i = 0, at = 0; i < acc.length; i++) {
    let x = 0;
    for (let b = 0; b < k; b++) x |= bytes[at++] << (8 * b);
    acc[i] = (acc[i] + x) & mask;
  }
}

function sameLength(a: Uint32Array, n: number): void {
  if (a.length !== n) refuse('wrong-size', `ring vectors of ${a.length} and ${n} values`);
}
