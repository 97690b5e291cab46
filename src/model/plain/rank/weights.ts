// A model's weights arranged for the typed-array forward pass: embedding tables stay views of the
// decoded arrays (no copy of the large item table), dense matrices are stored transposed so every
// output is one contiguous dot product.
import type { NamedArray } from '../artifact';
import type { ModelConfig } from '../config';
import { EVENT_TYPE_ROWS } from '../../../shared/events';

export interface BlockWeights {
  ln1g: Float32Array;
  ln1b: Float32Array;
  /** [d_out, d_in], one row per output. */
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  /** Zeros: the bias of the projections, which have none. */
  none: Float32Array;
  ln2g: Float32Array;
  ln2b: Float32Array;
  /** [f, d] and [d, f], transposed like the projections. */
  ffn1: Float32Array;
  ffn1b: Float32Array;
  ffn2: Float32Array;
  ffn2b: Float32Array;
}

export interface RankWeights {
  /** Row-major tables [rows, d]. */
  item: Float32Array;
  category: Float32Array;
  brand: Float32Array;
  eventType: Float32Array;
  position: Float32Array;
  /** [itemBuckets]: the item prior, one value per hashed row. */
  itemBias: Float32Array;
  blocks: BlockWeights[];
  finalG: Float32Array;
  finalB: Float32Array;
}

type Take = (name: string, shape: number[]) => Float32Array;

/** Reads every weight the network needs, by name, with its exact shape; throws naming the first
 *  one that is missing or misshapen. Extra arrays (personal state, optimizer slots) are ignored. */
export function rankWeights(cfg: ModelConfig, arrays: readonly NamedArray[]): RankWeights {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const take: Take = (name, shape) => {
    const a = byName.get(name);
    if (!a) throw new Error(`model weights: "${name}" is missing`);
    if (a.shape.join('x') !== shape.join('x') || a.data.length !== shape.reduce((x, y) => x * y, 1)) {
      throw new Error(`model weights: "${name}" has shape ${a.shape.join('x')}, expected ${shape.join('x')}`);
    }
    return a.data;
  };
  const d = cfg.dim;
  return {
    item: take('item', [cfg.itemBuckets, d]),
    itemBias: take('item_bias', [cfg.itemBuckets, 1]),
    category: take('category', [cfg.categoryBuckets, d]),
    brand: take('brand', [cfg.brandBuckets, d]),
    eventType: take('event_type', [EVENT_TYPE_ROWS, d]),
    position: take('position', [cfg.maxLen, d]),
    blocks: Array.from({ length: cfg.blocks }, (_, b) => blockWeights(take, `block${b}`, d, d * cfg.ffnMult)),
    finalG: take('final_ln_g', [d]),
    finalB: take('final_ln_b', [d]),
  };
}

function blockWeights(take: Take, p: string, d: number, f: number): BlockWeights {
  return {
    ln1g: take(`${p}/ln1_g`, [d]),
    ln1b: take(`${p}/ln1_b`, [d]),
    wq: transpose(take(`${p}/wq`, [d, d]), d, d),
    wk: transpose(take(`${p}/wk`, [d, d]), d, d),
    wv: transpose(take(`${p}/wv`, [d, d]), d, d),
    wo: transpose(take(`${p}/wo`, [d, d]), d, d),
    none: new Float32Array(d),
    ln2g: take(`${p}/ln2_g`, [d]),
    ln2b: take(`${p}/ln2_b`, [d]),
    ffn1: transpose(take(`${p}/ffn1`, [d, f]), d, f),
    ffn1b: take(`${p}/ffn1_b`, [f]),
    ffn2: transpose(take(`${p}/ffn2`, [f, d]), f, d),
    ffn2b: take(`${p}/ffn2_b`, [d]),
  };
}

/** [rows, cols] -> [cols, rows]. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}
