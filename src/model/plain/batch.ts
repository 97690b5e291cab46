// Packs shoppers' histories into the fixed-shape integer arrays the network reads. Sequences are
// right-aligned (newest event in the last slot) so that slot's state is always "now".
import type { ModelConfig } from './config';
import type { ItemCodes } from './features';

export interface Sequence {
  /** Indices into the ItemCodes table the batch is packed from, oldest first. */
  items: ArrayLike<number>;
  /** Event-type rows (see INTEREST_ROWS in src/shared/events.ts), aligned with items. */
  types: ArrayLike<number>;
}

export interface SequenceBatch {
  batch: number;
  length: number;
  /** Per slot, row-major [batch*length]: the slot's item codes (zeros for padding). */
  ids: Int32Array;
  cats: Int32Array;
  brands: Int32Array;
  types: Int32Array;
  /** Recency rank of the slot's event: 0 for the newest. */
  positions: Int32Array;
  /** 1 where a slot holds a real event. */
  mask: Float32Array;
}

export function packBatch(seqs: readonly Sequence[], length: number, codes: ItemCodes, cfg: ModelConfig): SequenceBatch {
  const n = seqs.length * length;
  const out: SequenceBatch = {
    batch: seqs.length,
    length,
    ids: new Int32Array(n * cfg.itemHashes),
    cats: new Int32Array(n * cfg.categoryLevels),
    brands: new Int32Array(n),
    types: new Int32Array(n),
    positions: new Int32Array(n),
    mask: new Float32Array(n),
  };
  seqs.forEach((seq, b) => packOne(seq, b, out, codes, cfg));
  return out;
}

function packOne(seq: Sequence, b: number, out: SequenceBatch, codes: ItemCodes, cfg: ModelConfig): void {
  const T = out.length;
  const n = Math.min(seq.items.length, T);
  const skip = seq.items.length - n;
  for (let j = 0; j < n; j++) {
    const slot = b * T + (T - n + j);
    const item = seq.items[skip + j];
    copyRow(codes.ids, item, out.ids, slot, cfg.itemHashes);
    copyRow(codes.cats, item, out.cats, slot, cfg.categoryLevels);
    out.brands[slot] = codes.brands[item];
    out.types[slot] = seq.types[skip + j];
    out.positions[slot] = n - 1 - j;
    out.mask[slot] = 1;
  }
}

function copyRow(src: Int32Array, from: number, dst: Int32Array, to: number, width: number): void {
  for (let k = 0; k < width; k++) dst[to * width + k] = src[from * width + k];
}
