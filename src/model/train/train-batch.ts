// Next-event training examples: every real slot of a history predicts the event that followed it.
import type { ModelConfig } from '../plain/config';
import type { ItemCodes } from '../plain/features';
import { packBatch, type Sequence, type SequenceBatch } from '../plain/batch';

export interface TrainArrays {
  inputs: SequenceBatch;
  /** Flat slot indices (into batch*length) that have a next event. */
  slots: Int32Array;
  /** Index into the codes table of the event that followed each slot. */
  targets: Int32Array;
}

/** Packs sequences of at least two events; each is cut to its newest maxLen+1 events. */
export function makeTrainArrays(seqs: readonly Sequence[], codes: ItemCodes, cfg: ModelConfig): TrainArrays {
  const usable = seqs.filter((s) => s.items.length >= 2);
  const length = Math.min(cfg.maxLen, Math.max(1, ...usable.map((s) => s.items.length - 1)));
  const inputs = packBatch(usable.map(dropLast), length, codes, cfg);
  const slots: number[] = [];
  const targets: number[] = [];
  usable.forEach((seq, b) => {
    const m = Math.min(seq.items.length - 1, length);
    const first = seq.items.length - 1 - m;
    for (let j = 0; j < m; j++) {
      slots.push(b * length + (length - m + j));
      targets.push(seq.items[first + j + 1]);
    }
  });
  return { inputs, slots: Int32Array.from(slots), targets: Int32Array.from(targets) };
}

function dropLast(seq: Sequence): Sequence {
  const n = seq.items.length - 1;
  return { items: Array.prototype.slice.call(seq.items, 0, n), types: Array.prototype.slice.call(seq.types, 0, n) };
}
