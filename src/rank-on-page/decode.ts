// The weights file decoded the way artifact.ts's decodeWeights does it (the same values), but a slice at a time:
// the Beauty-size model has 1.7 M values, and decoding them in one go would be one long task on
// the page's main thread.
import { placesIn, type NamedArray, type WeightEntry } from '../model/plain/artifact';

/** Values decoded per task: about a millisecond of work. */
const SLICE_VALUES = 1 << 18;

/** decodeWeights(entries, buffer), awaiting `nextTask` after each `slice` values decoded. */
export async function decodeInSlices(
  entries: readonly WeightEntry[],
  buffer: ArrayBuffer,
  nextTask: () => Promise<void>,
  slice = SLICE_VALUES,
): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  let budget = slice;
  for (const { entry: e, size, offset } of placesIn(entries, buffer.byteLength)) {
    // A copy either way: the tables must not keep the whole file alive, and float32 values may sit
    // at an offset that is not a multiple of 4.
    const data = e.quantization ? new Float32Array(size) : new Float32Array(buffer.slice(offset, offset + size * 4));
    if (e.quantization) {
      const { dtype, min, scale } = e.quantization;
      const codes = dtype === 'uint8' ? new Uint8Array(buffer, offset, size) : new Uint16Array(buffer.slice(offset, offset + size * 2));
      for (let from = 0; from < size; ) {
        const to = Math.min(size, from + budget);
        dequantize(codes, data, from, to, scale, min);
        budget -= to - from;
        from = to;
        if (budget === 0) {
          await nextTask();
          budget = slice;
        }
      }
    }
    // Without artifact.ts's `exact` mark: the page never writes weights again.
    out.push({ name: e.name, shape: e.shape, data });
  }
  return out;
}

// Its own small function: V8 optimizes it as a whole, where a loop inside the async function
// above, resumed after every await, ran several times slower.
function dequantize(codes: Uint8Array | Uint16Array, data: Float32Array, from: number, to: number, scale: number, min: number): void {
  for (let i = from; i < to; i++) data[i] = codes[i] * scale + min;
}
