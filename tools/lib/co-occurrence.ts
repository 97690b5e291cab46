// The co-occurrence prior on the tools' side: built from the training split (the item-kNN
// baseline's neighbour table, cut to K per item), and added to full-catalog scores.
import type { Sequence } from '../../src/model/plain/batch';
import { CO_MAX_ITEMS, coRow, coScores, type CoOccurrence } from '../../src/model/plain/co-occurrence';
import type { ItemCodes } from '../../src/model/plain/features';
import { ITEMKNN_DEFAULTS, distinctSeqs, itemNeighbours, popularityCounts } from './baselines';
import { historySet, scoreAll } from './full-rank';
import { ndcg, rankOf } from './metrics';
import type { Case, Split } from './split';
import type { ModelConfig } from '../../src/model/plain/config';
import type { Weights } from '../../src/model/weights';
import { rng, shuffle } from '../../src/shared/random';

export interface CoBuildOptions {
  /** Neighbours kept per item. */
  k: number;
  recent: number;
  weight: number;
}

export const CO_DEFAULTS: CoBuildOptions = { k: 20, recent: 5, weight: 0 };

/** The table for a catalog whose items have `keys` (coKey of their ids). Catalogs of more than
 *  CO_MAX_ITEMS items keep their most popular items' rows. */
export function buildCoOccurrence(keys: Uint32Array, train: readonly Sequence[], opts: CoBuildOptions): CoOccurrence {
  const n = keys.length;
  const table = itemNeighbours(n, distinctSeqs(train, n), { ...ITEMKNN_DEFAULTS, neighbours: opts.k });
  const pop = popularityCounts(n, train);
  const kept = Array.from({ length: n }, (_, i) => i)
    .filter((i) => table.start[i + 1] > table.start[i])
    .sort((a, b) => pop[b] - pop[a] || a - b)
    .slice(0, CO_MAX_ITEMS)
    .sort((a, b) => keys[a] - keys[b]);
  for (let j = 1; j < kept.length; j++) if (keys[kept[j]] === keys[kept[j - 1]]) throw new Error(`co-occurrence: two items share the key ${keys[kept[j]]}`);
  const rowOf = new Map(kept.map((item, row) => [item, row]));
  const neighbours = new Uint16Array(kept.length * opts.k).fill(CO_MAX_ITEMS);
  const sims = new Float32Array(kept.length * opts.k);
  kept.forEach((item, row) => {
    let j = row * opts.k;
    for (let p = table.start[item]; p < table.start[item + 1] && j < (row + 1) * opts.k; p++) {
      const to = rowOf.get(table.ids[p]);
      if (to === undefined) continue;
      neighbours[j] = to;
      sims[j++] = table.sims[p];
    }
  });
  return { keys: Uint32Array.from(kept, (i) => keys[i]), k: opts.k, neighbours, sims, simScale: 1, weight: opts.weight, recent: opts.recent };
}

/** Adds the prior to a row of scores over the whole catalog, for a history of catalog indices. */
export function catalogCoPrior(co: CoOccurrence, codes: ItemCodes, maxLen: number): (history: Sequence, scores: Float32Array) => void {
  const keys = codes.keys;
  if (!keys) throw new Error('co-occurrence: the catalog codes have no keys');
  const itemOfRow = new Int32Array(co.keys.length).fill(-1);
  keys.forEach((key, item) => {
    const row = coRow(co, key);
    if (row >= 0) itemOfRow[row] = item;
  });
  return (history, scores) => {
    const from = Math.max(0, history.items.length - maxLen);
    const historyKeys = Array.from({ length: history.items.length - from }, (_, j) => keys[history.items[from + j]]);
    for (const [row, value] of coScores(co, historyKeys)) if (itemOfRow[row] >= 0) scores[itemOfRow[row]] += value;
  };
}

/** Weights tried for the prior, on the validation targets. */
const CO_WEIGHTS = [0, 1, 2, 4, 8, 16, 32, 64];

/** A prior is kept only when it ranks the validation targets at least this much better than the
 *  network alone: on the demo's generated shoppers, whose purchases follow categories and not
 *  pairs, the best weight gained 0.8%, within the draw's noise, for 15 KB more weights. */
export const CO_MIN_GAIN = 0.01;

/** The weight of the grid that ranks the validation targets best (NDCG@10, full catalog), or 0
 *  when none beats the network alone by CO_MIN_GAIN; with each weight's figure. One scoring pass:
 *  each weight only changes the few items the prior raises. */
export function chooseCoWeight(
  co: CoOccurrence,
  score: (visit: (index: number, scores: Float32Array) => void) => void,
  cases: readonly Case[],
  codes: ItemCodes,
  maxLen: number,
  grid: readonly number[] = CO_WEIGHTS,
): { weight: number; validNdcg10: Record<string, number> } {
  const addPrior = catalogCoPrior({ ...co, weight: 1 }, codes, maxLen);
  const prior = new Float32Array(codes.count);
  const mixed = new Float32Array(codes.count);
  const sums = grid.map(() => 0);
  score((i, row) => {
    const c = cases[i];
    prior.fill(0);
    addPrior(c.history, prior);
    const excluded = historySet(c);
    grid.forEach((weight, g) => {
      for (let j = 0; j < row.length; j++) mixed[j] = row[j] + weight * prior[j];
      sums[g] += ndcg(rankOf(mixed, c.target, excluded), 10);
    });
  });
  const figures = sums.map((s) => s / Math.max(1, cases.length));
  const best = figures.indexOf(Math.max(...figures));
  const alone = grid.indexOf(0) >= 0 ? figures[grid.indexOf(0)] : 0;
  const weight = figures[best] >= (1 + CO_MIN_GAIN) * alone ? grid[best] : 0;
  return { weight, validNdcg10: Object.fromEntries(grid.map((w, g) => [String(w), +figures[g].toFixed(5)])) };
}

/**
 * The prior for a trained network: built from the split's training sequences, at the weight that
 * ranks the trainer's validation users best (trainer.ts draws them the same way from `seed`).
 * Null when that weight is 0 (the network alone ranks better) or `k` is 0.
 */
export function fitCoOccurrence(w: Weights, cfg: ModelConfig, codes: ItemCodes, split: Pick<Split, 'train' | 'valid'>, opts: { k: number; seed: number; validUsers: number }) {
  if (opts.k === 0) return null;
  const started = Date.now();
  const table = buildCoOccurrence(codes.keys!, split.train, { ...CO_DEFAULTS, k: opts.k });
  const valid = shuffle([...split.valid], rng(opts.seed + 1)).slice(0, opts.validUsers);
  const choice = chooseCoWeight(table, (visit) => scoreAll(w, cfg, codes, valid, visit), valid, codes, cfg.maxLen);
  console.log(`co-occurrence prior: ${table.keys.length} items, ${opts.k} neighbours; valid NDCG@10 by weight ${JSON.stringify(choice.validNdcg10)}; ${Math.round((Date.now() - started) / 1000)}s`);
  if (choice.weight === 0) return null;
  return {
    table: { ...table, weight: choice.weight },
    record: { items: table.keys.length, neighbours: opts.k, recent: table.recent, weight: choice.weight, validNdcg10: choice.validNdcg10 },
  };
}
