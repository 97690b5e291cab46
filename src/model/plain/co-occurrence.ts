// The item co-occurrence prior a model artifact may carry beside its network: per catalog item, its
// nearest neighbours by co-occurrence in shoppers' sequences (the item-kNN baseline's table, cut to
// K), and the weight at which their similarity to the shopper's newest items is added to the
// network's score. On sparse catalogs the network alone ranks below session kNN; the blend ranks
// above both (docs/experiments.md). It is data of the merchant's catalog, fixed at training:
// federated learning and on-device adaptation train the network and leave it as it is.
import type { NamedArray } from './artifact';
import { CO_PREFIX, type AddPrior } from './co-key';

/** Row indices are stored as exact uint16 codes, so a table holds at most this many items; the
 *  value itself marks "no neighbour". */
export const CO_MAX_ITEMS = 65535;

export interface CoOccurrence {
  /** Item keys, ascending; a row's index is its place here. */
  keys: Uint32Array;
  /** Neighbours per row. */
  k: number;
  /** [rows, k] row indices, best first; CO_MAX_ITEMS pads a shorter row. */
  neighbours: ArrayLike<number>;
  /** [rows, k] similarities in units of `simScale`, aligned with `neighbours`. */
  sims: ArrayLike<number>;
  simScale: number;
  /** Multiplies the prior before it is added to the network's score. */
  weight: number;
  /** The shopper's newest distinct items read: the r-th newest weighs 1/r. */
  recent: number;
}

/** The named arrays that store `co` in a weights file. All are exact integer codes, so no
 *  quantization of the file touches them: 32-bit values (keys, and the float32 parameters' bit
 *  patterns) as two uint16 halves, similarities as uint8 steps of the largest one. */
export function coArrays(co: CoOccurrence): NamedArray[] {
  const rows = co.keys.length;
  let maxSim = 0;
  for (let i = 0; i < co.sims.length; i++) maxSim = Math.max(maxSim, co.sims[i] * co.simScale);
  const scale = Math.fround(maxSim > 0 ? maxSim / 255 : 1);
  const params = new Uint32Array(Float32Array.of(co.weight, co.recent, scale).buffer);
  return [
    { name: `${CO_PREFIX}keys`, shape: [rows, 2], exact: 'uint16', data: halves(co.keys) },
    { name: `${CO_PREFIX}neighbours`, shape: [rows, co.k], exact: 'uint16', data: Float32Array.from(co.neighbours) },
    { name: `${CO_PREFIX}sims`, shape: [rows, co.k], exact: 'uint8', data: Float32Array.from(co.sims, (s) => Math.min(255, Math.round((s * co.simScale) / scale))) },
    { name: `${CO_PREFIX}params`, shape: [3, 2], exact: 'uint16', data: halves(params) },
  ];
}

function halves(words: Uint32Array): Float32Array {
  return Float32Array.from({ length: words.length * 2 }, (_, i) => (i % 2 === 0 ? words[i >> 1] >>> 16 : words[i >> 1] & 0xffff));
}

function words(halfCodes: Float32Array): Uint32Array {
  const out = new Uint32Array(halfCodes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = halfCodes[2 * i] * 65536 + halfCodes[2 * i + 1];
  return out;
}

/** The prior stored in `arrays`, or null when the model carries none; throws when it is malformed. */
export function readCoOccurrence(arrays: readonly NamedArray[]): CoOccurrence | null {
  const byName = new Map(arrays.filter((a) => a.name.startsWith(CO_PREFIX)).map((a) => [a.name.slice(CO_PREFIX.length), a]));
  if (byName.size === 0) return null;
  const get = (name: string) => byName.get(name) ?? fail(`"${CO_PREFIX}${name}" is missing`);
  const [keyPairs, neighbours, sims, params] = ['keys', 'neighbours', 'sims', 'params'].map(get);
  const rows = keyPairs.shape[0];
  const k = neighbours.shape[1];
  if (keyPairs.shape.join() !== `${rows},2` || neighbours.shape.join() !== `${rows},${k}` || sims.shape.join() !== `${rows},${k}` || params.shape.join() !== '3,2') {
    fail('arrays have inconsistent shapes');
  }
  if (rows > CO_MAX_ITEMS) fail(`${rows} rows, at most ${CO_MAX_ITEMS}`);
  const [weight, recent, scale] = new Float32Array(words(params.data).buffer);
  if (!(weight >= 0 && Number.isFinite(weight)) || !Number.isInteger(recent) || recent < 1 || !(scale > 0 && Number.isFinite(scale))) fail('params are out of range');
  const keys = words(keyPairs.data);
  for (let i = 1; i < rows; i++) if (keys[i] <= keys[i - 1]) fail('keys are not strictly ascending');
  // The decoded arrays are used as they are: a page builds this while its shelves may wait, and
  // copying a few hundred thousand values cost more than the check.
  const nb = neighbours.data;
  for (let i = 0; i < nb.length; i++) {
    if (nb[i] >= rows && nb[i] !== CO_MAX_ITEMS) fail(`neighbour row ${nb[i]} is outside 0..${rows - 1}`);
  }
  return { keys, k, neighbours: nb, sims: sims.data, simScale: scale, weight, recent };
}

/** The row of `key`, or -1. */
export function coRow(co: CoOccurrence, key: number): number {
  let lo = 0;
  let hi = co.keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = co.keys[mid];
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The prior of every item it raises for a history (keys oldest first), weighted: row -> value. */
export function coScores(co: CoOccurrence, historyKeys: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  if (co.weight === 0) return out;
  const seen = new Set<number>();
  for (let i = historyKeys.length - 1; i >= 0 && seen.size < co.recent; i--) {
    const key = historyKeys[i];
    if (seen.has(key)) continue;
    seen.add(key);
    const row = coRow(co, key);
    if (row < 0) continue;
    const w = (co.weight * co.simScale) / seen.size;
    for (let j = row * co.k; j < (row + 1) * co.k && co.neighbours[j] !== CO_MAX_ITEMS; j++) {
      out.set(co.neighbours[j], (out.get(co.neighbours[j]) ?? 0) + w * co.sims[j]);
    }
  }
  return out;
}

/** Adds the prior to `scores`, aligned with `candidateKeys`. */
export function addCoScores(co: CoOccurrence, historyKeys: ArrayLike<number>, candidateKeys: ArrayLike<number>, scores: Float32Array): void {
  const prior = coScores(co, historyKeys);
  if (prior.size === 0) return;
  for (let n = 0; n < candidateKeys.length; n++) {
    const v = prior.get(coRow(co, candidateKeys[n]));
    if (v !== undefined) scores[n] += v;
  }
}

/** The ranking's view of a table. */
export function coPrior(co: CoOccurrence): AddPrior {
  return (historyKeys, candidateKeys, scores) => addCoScores(co, historyKeys, candidateKeys, scores);
}

/** The ranking's view of the prior `arrays` hold, or null when they hold none. */
export function addPriorOf(arrays: readonly NamedArray[]): AddPrior | null {
  const co = readCoOccurrence(arrays);
  return co && coPrior(co);
}

function fail(message: string): never {
  throw new Error(`model weights: co-occurrence prior: ${message}`);
}
