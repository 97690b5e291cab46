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
 *  it), otherwise from the platform's CSPRNG in bulk: a call per value would cost more than the
 *  rest of the encoding. */
export function encodeFixed(v: Float32Array, scale: number, random?: () => number): Int16Array {
  const out = new Int16Array(v.length);
  const draws = new Float64Array(Math.min(v.length, DRAW_CHUNK));
  for (let start = 0; start < v.length; start += draws.length) {
    fillUniform(draws, random);
    const end = Math.min(v.length, start + draws.length);
    for (let i = start; i < end; i++) {
      if (!Number.isFinite(v[i])) throw new Error(`update: value ${i} is not finite`);
      const x = v[i] * scale;
      const low = Math.floor(x);
      const code = draws[i - start] < x - low ? low + 1 : low;
      out[i] = code > MAX_CODE ? MAX_CODE : code < -MAX_CODE ? -MAX_CODE : code;
    }
  }
  return out;
}

// getRandomValues fills at most 65,536 bytes a call.
const DRAW_CHUNK = 16384;
const bits = new Uint32Array(DRAW_CHUNK);

function fillUniform(out: Float64Array, random?: () => number): void {
  if (random) {
    for (let i = 0; i < out.length; i++) out[i] = random();
    return;
  }
  const b = bits.subarray(0, out.length);
  crypto.getRandomValues(b);
  for (let i = 0; i < out.length; i++) out[i] = b[i] / 4294967296;
}

/** A fresh random token for one upload (hex). */
export function freshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
