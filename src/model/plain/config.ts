// The architecture of a Shelfwise model. It travels inside every model artifact, so a worker or a
// tool can rebuild exactly the network the weights were trained for.

export interface ModelConfig {
  /** Width of every embedding and of the user state. */
  dim: number;
  /** How many of the shopper's most recent interest events the model reads. */
  maxLen: number;
  /** Rows of the hashed item table: caps the model's size whatever the catalog size. */
  itemBuckets: number;
  /** Independent hashes per item id; their rows are summed, so two items rarely share both. */
  itemHashes: number;
  /** Rows of the hashed category table (all levels share it). */
  categoryBuckets: number;
  /** How many levels of the category path become features. */
  categoryLevels: number;
  /** Rows of the hashed brand table. */
  brandBuckets: number;
  /** Self-attention blocks over the history. */
  blocks: number;
  /** Attention heads per block (dim must divide evenly). */
  heads: number;
  /** Width of each block's feed-forward layer, as a multiple of dim. */
  ffnMult: number;
}

export const DEMO_CONFIG: ModelConfig = {
  dim: 32,
  maxLen: 30,
  itemBuckets: 1024,
  itemHashes: 2,
  categoryBuckets: 256,
  categoryLevels: 2,
  brandBuckets: 128,
  blocks: 1,
  heads: 1,
  ffnMult: 2,
};

const POSITIVE_INTS: (keyof ModelConfig)[] = [
  'dim',
  'maxLen',
  'itemBuckets',
  'itemHashes',
  'categoryBuckets',
  'categoryLevels',
  'brandBuckets',
  'blocks',
  'heads',
  'ffnMult',
];

/** Returns a complete config or throws a message naming the bad field. */
export function checkConfig(raw: unknown): ModelConfig {
  if (!raw || typeof raw !== 'object') throw new Error('model config: expected an object');
  const cfg = raw as Record<string, unknown>;
  for (const key of POSITIVE_INTS) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(`model config: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  const out = cfg as unknown as ModelConfig;
  if (out.dim % out.heads !== 0) throw new Error('model config: dim must be a multiple of heads');
  if (out.itemBuckets < 2 || out.categoryBuckets < 2 || out.brandBuckets < 2) {
    throw new Error('model config: every table needs at least 2 rows (row 0 means "none")');
  }
  return out;
}
