// Codes for a whole catalog and helpers to take rows of them, for training and full ranking.
import type { ModelConfig } from '../../src/model/config';
import { encodeItems, type ItemCodes, type ItemLike } from '../../src/model/features';

export function catalogCodes(items: readonly ItemLike[], cfg: ModelConfig): ItemCodes {
  return encodeItems(items, cfg);
}

/** The codes of the given catalog rows, in that order. */
export function pickCodes(codes: ItemCodes, rows: ArrayLike<number>, cfg: ModelConfig): ItemCodes {
  const n = rows.length;
  const out: ItemCodes = {
    count: n,
    ids: new Int32Array(n * cfg.itemHashes),
    cats: new Int32Array(n * cfg.categoryLevels),
    brands: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.ids.set(codes.ids.subarray(r * cfg.itemHashes, (r + 1) * cfg.itemHashes), i * cfg.itemHashes);
    out.cats.set(codes.cats.subarray(r * cfg.categoryLevels, (r + 1) * cfg.categoryLevels), i * cfg.categoryLevels);
    out.brands[i] = codes.brands[r];
  }
  return out;
}
