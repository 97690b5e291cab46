// Reading an uploaded update: little-endian int16 fixed point (see src/sync/encode.ts, which
// writes it). -32768 is never produced by an encoder: it means "not a number".

export const NOT_A_NUMBER = -32768;

/** Decodes `bytes` into values, or says exactly why it cannot. */
export function decodeUpdate(bytes: Uint8Array, length: number, scale: number): Float32Array | string {
  if (bytes.byteLength !== length * 2) return `expected ${length * 2} bytes (${length} int16 values), got ${bytes.byteLength}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const code = view.getInt16(i * 2, true);
    if (code === NOT_A_NUMBER) return `value ${i} is not a number`;
    out[i] = code / scale;
  }
  return out;
}

export function l2norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
