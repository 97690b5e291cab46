// An update on the wire: clipped to L2 norm C, then little-endian int16 fixed point with stochastic
// rounding. The device encodes (worker/federate.ts) and the server and the simulator decode with
// this one module, so the two sides cannot drift apart. Integers, not floats, are what secure
// aggregation sums.


/** The int16 value no encoder produces; a decoder treats it as "not a number". */
export const NOT_A_NUMBER = -32768;
export const MAX_CODE = 32767;

export function l2norm(v: ArrayLike<number>): number {
  // Four running sums: with one, every addition waits for the one before (2x slower).
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const whole = v.length - (v.length % 4);
  let i = 0;
  for (; i < whole; i += 4) {
    const x0 = v[i];
    const x1 = v[i + 1];
    const x2 = v[i + 2];
    const x3 = v[i + 3];
    a += x0 * x0;
    b += x1 * x1;
    c += x2 * x2;
    d += x3 * x3;
  }
  for (; i < v.length; i++) a += v[i] * v[i];
  return Math.sqrt(a + b + c + d);
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

/** The norm a two-aggregator device clips to: no server re-clips there, and each aggregator's noise
 *  is calibrated to an encoded norm of at most 32767 (C in fixed point). Stochastic rounding moves
 *  each of `length` values by less than one step, so the norm by less than √length steps. */
export const sharedClipNorm = (clipNorm: number, length: number) => clipNorm * (1 - Math.sqrt(length) / MAX_CODE);

/** clipToNorm then encodeFixed, with the clip folded into the scale: one pass over the values
 *  fewer, and `v` is left as it was. */
export function encodeClipped(v: Float32Array, bound: number, scale: number, random?: () => number): Int16Array {
  const norm = l2norm(v);
  // A non-finite norm is left to encodeFixed, which names the value.
  return encodeFixed(v, norm > bound && Number.isFinite(norm) ? scale * (bound / norm) : scale, random);
}

/** Fixed point with stochastic rounding (unbiased: E[decode(encode(v))] = v). Non-finite values
 *  are refused rather than encoded. The rounding draws come from `random` when given (tests seed
 *  it), otherwise from the platform's CSPRNG, a chunk of 32-bit draws at a time. */
export function encodeFixed(v: Float32Array, scale: number, random?: () => number): Int16Array {
  const out = new Int16Array(v.length);
  // NaN and ±Infinity times 0 are NaN: one sum says whether any value is not finite, without a
  // test per value.
  let notFinite = 0;
  for (let start = 0; start < v.length; start += DRAW_CHUNK) {
    const n = Math.min(DRAW_CHUNK, v.length - start);
    const draws = uniformBits(n, random);
    for (let j = 0; j < n; j++) {
      const x = v[start + j];
      notFinite += x * 0;
      // floor(x + u) for u uniform in [0, 1) rounds up with probability x - floor(x). Adding the
      // draw rather than comparing with it leaves no branch on a coin flip, which would mispredict
      // half the time (docs/experiments.md).
      const code = Math.floor(x * scale + draws[j] * TWO_NEG_32);
      out[start + j] = Math.max(-MAX_CODE, Math.min(MAX_CODE, code));
    }
  }
  if (notFinite !== 0) throw new Error(`update: value ${v.findIndex((x) => !Number.isFinite(x))} is not finite`);
  return out;
}

// getRandomValues fills at most 65,536 bytes a call.
const DRAW_CHUNK = 16384;
const TWO_32 = 2 ** 32;
const TWO_NEG_32 = 2 ** -32;

let drawBuffer: Uint32Array<ArrayBuffer> | undefined;

/** n uniform 32-bit draws, in a buffer the next call overwrites. */
function uniformBits(n: number, random?: () => number): Uint32Array {
  drawBuffer ??= new Uint32Array(DRAW_CHUNK);
  const out = drawBuffer.subarray(0, n);
  if (!random) return crypto.getRandomValues(out);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * TWO_32);
  return out;
}

/** Fixed-point scale: a clipped update's largest possible coordinate (C) maps to int16's max. */
export const scaleFor = (clipNorm: number) => MAX_CODE / clipNorm;

/** Decodes `bytes` into values, or says exactly why it cannot. */
export function decodeUpdate(bytes: Uint8Array, length: number, scale: number): Float32Array | string {
  if (bytes.byteLength !== length * 2) return `expected ${length * 2} bytes (${length} int16 values), got ${bytes.byteLength}`;
  const codes = int16s(bytes);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const code = codes[i];
    if (code === NOT_A_NUMBER) return `value ${i} is not a number`;
    out[i] = code / scale;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The bytes as little-endian int16s: a view where the platform allows (3x faster to read than a
 *  DataView), else a copy. Node's pooled Buffers may start at an odd offset, which no view takes. */
function int16s(bytes: Uint8Array): Int16Array {
  const n = bytes.byteLength >> 1;
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Int16Array.from({ length: n }, (_, i) => view.getInt16(i * 2, true));
  }
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, n);
  return new Int16Array(bytes.slice().buffer, 0, n);
}
