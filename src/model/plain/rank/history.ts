// What the encoder reads of a history, as codes: the last maxLen interest events, oldest first.
import type { Sequence } from '../batch';
import type { ModelConfig } from '../config';
import { encodeItems, interestHistory, pickCodes, type EventLike, type ItemCodes } from '../features';
import { interestRow } from '../../../shared/events';

/** A history's codes, oldest first: its items' codes and, aligned, their event-type rows. */
export interface HistoryCodes extends ItemCodes {
  types: Int32Array;
}

/** From the widget's events: non-interest events are dropped before the window is cut. */
export function historyCodes(events: readonly EventLike[], cfg: ModelConfig): HistoryCodes {
  const kept = interestHistory(events, cfg.maxLen);
  return { ...encodeItems(kept, cfg), types: Int32Array.from(kept, (e) => interestRow(e.type)) };
}

/** From a sequence of a catalog's items (the tools' datasets), as packBatch reads it. */
export function sequenceCodes(catalog: ItemCodes, seq: Sequence, cfg: ModelConfig): HistoryCodes {
  const from = Math.max(0, seq.items.length - cfg.maxLen);
  const rows = Array.from({ length: seq.items.length - from }, (_, j) => seq.items[from + j]);
  const types = Int32Array.from({ length: rows.length }, (_, j) => seq.types[from + j]);
  return { ...pickCodes(catalog, rows, cfg), types };
}

/** Everything the encoder reads of `h` (its last maxLen events' codes), as one array: two
 *  histories with equal keys give the same state. An empty history's key is empty. */
export function windowKey(h: HistoryCodes, cfg: ModelConfig): Int32Array {
  const n = Math.min(h.count, cfg.maxLen);
  const from = h.count - n;
  const parts: [Int32Array, number][] = [
    [h.ids, cfg.itemHashes],
    [h.cats, cfg.categoryLevels],
    [h.brands, 1],
    [h.types, 1],
  ];
  const key = new Int32Array(n * (cfg.itemHashes + cfg.categoryLevels + 2));
  let o = 0;
  for (const [codes, width] of parts) {
    key.set(codes.subarray(from * width, (from + n) * width), o);
    o += n * width;
  }
  return key;
}

export function sameKey(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
