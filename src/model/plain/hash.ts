// Feature hashing keeps the model's tables a fixed size however large the catalog grows, and
// lets an item the model has never seen still land on rows (and share category/brand rows)
// that carry meaning.

/** 32-bit FNV-1a over UTF-16 code units, finished with murmur3's fmix32 for avalanche. */
export function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A row in 1..rows-1; row 0 is reserved for "none" (padding, missing category or brand). */
export function bucket(text: string, seed: number, rows: number): number {
  if (!text) return 0;
  return 1 + (hash32(text, seed) % (rows - 1));
}
