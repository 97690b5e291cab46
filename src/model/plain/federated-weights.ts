// Which weights federated learning trains. Pure: the aggregation server reads it without TF.js.
import { CO_PREFIX } from './co-key';

/** The hashed catalog tables: most of a model's size, one row per item/category/brand bucket. */
export const CATALOG_TABLES = ['item', 'category', 'brand'];

/** Weights federated learning trains: 'all', or 'dense' (all but the catalog tables, whose
 *  updates would be large and mostly DP noise: each row is touched by few devices per round).
 *  Never the co-occurrence prior: it is the catalog's data, not a weight. */
export function federatedNames(specs: readonly { name: string }[], mode: 'all' | 'dense'): string[] {
  return specs.map((s) => s.name).filter((n) => !n.startsWith(CO_PREFIX) && (mode === 'all' || !CATALOG_TABLES.includes(n)));
}
