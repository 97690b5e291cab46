// Architecture defaults for a dataset, overridable from the command line.
import { DEMO_CONFIG, checkConfig, type ModelConfig } from '../../src/model/plain/config';
import { numberFlag, positiveInt, type Flags } from './args';

/** Real catalogs: SASRec's Amazon settings (dim 64, two blocks) with a 20-event window, which
 *  ranked better than 50 on Beauty's validation split and trains faster; the personal vector
 *  carries what a long history has beyond the window. */
export const CATALOG_CONFIG: ModelConfig = {
  dim: 64,
  maxLen: 20,
  itemBuckets: 16384,
  itemHashes: 2,
  categoryBuckets: 4096,
  categoryLevels: 3,
  brandBuckets: 4096,
  blocks: 2,
  heads: 1,
  ffnMult: 2,
};

/** Item rows: the next power of two above 1.25x the catalog, capped so the model's size is too. */
function itemBucketsFor(items: number): number {
  let rows = 1024;
  while (rows < items * 1.25 && rows < 65536) rows *= 2;
  return rows;
}

export function configFor(items: number, demo: boolean, flags: Flags): ModelConfig {
  const base = demo ? DEMO_CONFIG : { ...CATALOG_CONFIG, itemBuckets: itemBucketsFor(items) };
  return checkConfig({
    ...base,
    dim: numberFlag(flags, 'dim', base.dim, positiveInt),
    maxLen: numberFlag(flags, 'max-len', base.maxLen, positiveInt),
    itemBuckets: numberFlag(flags, 'item-buckets', base.itemBuckets, positiveInt),
    blocks: numberFlag(flags, 'blocks', base.blocks, positiveInt),
    heads: numberFlag(flags, 'heads', base.heads, positiveInt),
  });
}
