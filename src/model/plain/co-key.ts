// What the rest of the model needs to know of the co-occurrence prior (co-occurrence.ts) without
// loading it: how its arrays are named, an item's key in it, and the shape of the function that
// adds it to a ranking. The table's code loads only for a model that carries one.
import { hash32 } from './hash';

/** The artifact's arrays of the prior all start with this; nothing else does. */
export const CO_PREFIX = 'co/';

const KEY_SEED = 301;

/** The 32-bit key an item's id has in the table. */
export function coKey(itemId: string): number {
  return hash32(itemId, KEY_SEED);
}

/** Adds a model's prior to `scores` (aligned with `candidateKeys`) for a history's keys, oldest first. */
export type AddPrior = (historyKeys: ArrayLike<number>, candidateKeys: ArrayLike<number>, scores: Float32Array) => void;

/** Whether `arrays` hold a prior (co-occurrence.ts's addPriorOf reads it). */
export function hasPrior(arrays: readonly { name: string }[]): boolean {
  return arrays.some((a) => a.name.startsWith(CO_PREFIX));
}
