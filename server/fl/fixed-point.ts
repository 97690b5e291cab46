// Reading an uploaded update: little-endian int16 fixed point, written by src/sync/encode.ts, whose
// constants and norm the server shares so the two sides cannot drift apart.
import { l2norm, MAX_CODE, NOT_A_NUMBER } from '../../src/sync/encode';

export { l2norm, NOT_A_NUMBER };

/** Fixed-point scale: a clipped update's largest possible coordinate (C) maps to int16's max. */
export const scaleFor = (clipNorm: number) => MAX_CODE / clipNorm;

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
