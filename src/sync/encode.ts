// Clipping and compact fixed-point encoding of a model update. Integers (rather than floats) are
// what a secure-aggregation layer sums, so the encoding is ready for one to wrap it later.

/** The int16 value no encoder produces; a decoder treats it as "not a number". */
export const NOT_A_NUMBER = -32768;
export const MAX_CODE = 32767;

export function l2norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Scales `v` in place so its L2 norm is at most `bound`; returns the norm it had. */
export function clipToNorm(v: Float32Array, bound: number): number {
  const norm = l2norm(v);
  if (norm > bound) {
    const f = bound / norm;
    for (let i = 0; i < v.length; i++) v[i] *= f;
  }
  return norm;
}

/** Fixed point with stochastic rounding (unbiased: E[decode(encode(v))] = v). Non-finite values
 *  are refused rather than encoded. The rounding draws come from `random` when given (tests seed
 *  it), otherwise from the platform's CSPRNG, a chunk of 32-bit draws at a time. */
export function encodeFixed(v: Float32Array, scale: number, random?: () => number): Int16Array {
  const out = new Int16Array(v.length);
  for (let start = 0; start < v.length; start += DRAW_CHUNK) {
    const end = Math.min(v.length, start + DRAW_CHUNK);
    const draws = uniformBits(end - start, random);
    for (let i = start; i < end; i++) {
      if (!Number.isFinite(v[i])) throw new Error(`update: value ${i} is not finite`);
      const x = v[i] * scale;
      const low = Math.floor(x);
      // Rounds up with probability x - low: a uniform 32-bit draw falls below (x - low)·2³².
      const code = draws[i - start] < (x - low) * TWO_32 ? low + 1 : low;
      out[i] = code > MAX_CODE ? MAX_CODE : code < -MAX_CODE ? -MAX_CODE : code;
    }
  }
  return out;
}

// getRandomValues fills at most 65,536 bytes a call.
const DRAW_CHUNK = 16384;
const TWO_32 = 2 ** 32;

function uniformBits(n: number, random?: () => number): Uint32Array {
  if (!random) return crypto.getRandomValues(new Uint32Array(n));
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * TWO_32);
  return out;
}

/** A fresh random token for one upload (hex). */
export function freshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
