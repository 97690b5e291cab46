// Reading an uploaded update: little-endian int16 fixed point, written by src/sync/encode.ts, whose
// constants and norm the server shares so the two sides cannot drift apart.
import { l2norm, MAX_CODE, NOT_A_NUMBER } from '../../src/sync/encode';

export { l2norm, NOT_A_NUMBER };

/** Fixed-point scale: a clipped update's largest possible coordinate (C) maps to int16's max. */
export const scaleFor = (clipNorm: number) => MAX_CODE / clipNorm;

/** Decodes `bytes` into values, or says exactly why it cannot. */
export function decodeUpdate(bytes: Uint8Array, length: number, scale: number): Float32Array | string {
  if (bytes.byteLength !== length * 2) return `expected ${length * 2} bytes (${length} int16 values), got ${bytes.byteLength}`;
  const codes = int16View(bytes, length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const code = codes[i];
    if (code === NOT_A_NUMBER) return `value ${i} is not a number`;
    out[i] = code / scale;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The bytes as little-endian int16s: a view where the host agrees and the offset is aligned (a
 *  round's decoding is then a tenth of the time), a converted copy otherwise. */
function int16View(bytes: Uint8Array, length: number): Int16Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int16Array.from({ length }, (_, i) => view.getInt16(i * 2, true));
}
