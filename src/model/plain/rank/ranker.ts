// Ranking without TF.js: score.ts's scoreCandidates over typed arrays, from the same weights
// (an artifact's decoded arrays) and config. Built once per model; a call allocates only its
// inputs' codes and the scores it returns, and a call for the history of the call before it
// skips the encoder.
import type { NamedArray } from '../artifact';
import { checkConfig, type ModelConfig } from '../config';
import { encodeItems, type EventLike, type ItemCodes, type ItemLike } from '../features';
import { EVENT_TYPE_ROWS } from '../../../shared/events';
import { historyCodes, sameKey, windowKey, type HistoryCodes } from './history';
import { createEncoder } from './encoder';
import { addRow, dotRow } from './kernels';
import { rankWeights, type RankWeights } from './weights';
import type { AddPrior } from '../co-key';

export interface Ranker {
  readonly config: ModelConfig;
  /** Scores aligned with `candidates`, higher is better: the shopper's state after the newest of
   *  the last maxLen interest events (plus the personal vector) · each candidate's vector, plus its
   *  prior, plus the model's co-occurrence prior where it carries one (with the candidates'
   *  neighbourhood of those events). An empty interest history scores by the item prior alone. */
  score(history: readonly EventLike[], candidates: readonly ItemLike[], personal?: Float32Array | null): Float32Array;
  /** The same from codes (historyCodes, sequenceCodes; the last maxLen events are read). */
  scoreCodes(history: HistoryCodes, candidates: ItemCodes, personal?: Float32Array | null): Float32Array;
  /** One pass over a synthetic full window, for idle time: in a fresh page the first pass runs at
   *  interpreter speed (tens of ms for a two-block model of width 64), later ones at compiled
   *  speed. Changes nothing the scores depend on. */
  warm(): void;
  /** Each item's vector (its item, category and brand rows summed), row-major [items, dim]: what a
   *  state is multiplied with to score it. */
  itemVectors(items: readonly ItemLike[]): Float32Array;
}

/** `prior`: the model's co-occurrence prior (co-occurrence.ts's addPriorOf of the same arrays),
 *  where it carries one. */
export function createRanker(cfg: ModelConfig, arrays: readonly NamedArray[], prior: AddPrior | null = null): Ranker {
  checkConfig(cfg);
  const w = rankWeights(cfg, arrays);
  const encode = createEncoder(cfg, w);
  // Shelves on one page rank for the same history: its state is kept for the next call. It
  // starts as the empty history's (no state).
  const last: { key: Int32Array; seen: boolean; state: Float64Array } = { key: new Int32Array(0), seen: false, state: new Float64Array(cfg.dim) };
  const state = new Float64Array(cfg.dim);
  const scoreCodes = (history: HistoryCodes, candidates: ItemCodes, personal?: Float32Array | null): Float32Array => {
    checkCodes(history, cfg, 'history');
    checkCodes(candidates, cfg, 'candidates');
    if (personal && personal.length !== cfg.dim) throw new Error(`ranker: personal vector has ${personal.length} values, expected ${cfg.dim}`);
    if (candidates.count === 0) return new Float32Array(0);
    const key = windowKey(history, cfg);
    if (!sameKey(key, last.key)) {
      last.seen = encode(history, last.state);
      last.key = key;
    }
    if (!last.seen) return scoreItems(w, cfg, null, candidates);
    state.set(last.state);
    if (personal) for (let i = 0; i < cfg.dim; i++) state[i] += personal[i];
    return withPrior(prior, cfg, history, candidates, scoreItems(w, cfg, state, candidates));
  };
  return {
    config: cfg,
    scoreCodes,
    warm: () => void scoreCodes(synthetic(cfg), synthetic(cfg)),
    itemVectors: (items) => itemVectors(w, cfg, encodeItems(items, cfg)),
    score: (history, candidates, personal) => scoreCodes(historyCodes(history, cfg), encodeItems(candidates, cfg), personal),
  };
}

/** Codes made without ids (no keys) have no place in the co-occurrence table: they get no prior. */
function withPrior(prior: AddPrior | null, cfg: ModelConfig, history: HistoryCodes, candidates: ItemCodes, scores: Float32Array): Float32Array {
  if (!prior || !history.keys || !candidates.keys) return scores;
  prior(history.keys.subarray(Math.max(0, history.count - cfg.maxLen), history.count), candidates.keys, scores);
  return scores;
}

/** A window's worth of viewed items made of the tables' "none" rows (every table has row 0). */
function synthetic(cfg: ModelConfig): HistoryCodes {
  const n = cfg.maxLen;
  const zeros = (k: number) => new Int32Array(n * k);
  return { count: n, ids: zeros(cfg.itemHashes), cats: zeros(cfg.categoryLevels), brands: zeros(1), types: new Int32Array(n).fill(1) };
}

function itemVectors(w: RankWeights, cfg: ModelConfig, c: ItemCodes): Float32Array {
  const d = cfg.dim;
  const out = new Float64Array(c.count * d);
  for (let n = 0; n < c.count; n++) {
    for (let j = 0; j < cfg.itemHashes; j++) addRow(out, n * d, w.item, c.ids[n * cfg.itemHashes + j], d);
    for (let j = 0; j < cfg.categoryLevels; j++) addRow(out, n * d, w.category, c.cats[n * cfg.categoryLevels + j], d);
    addRow(out, n * d, w.brand, c.brands[n], d);
  }
  return Float32Array.from(out);
}

/** state · (item rows + category rows + brand row) + item prior, summed row by row. */
function scoreItems(w: RankWeights, cfg: ModelConfig, state: Float64Array | null, c: ItemCodes): Float32Array {
  const d = cfg.dim;
  const out = new Float32Array(c.count);
  for (let n = 0; n < c.count; n++) {
    let s = 0;
    for (let j = 0; j < cfg.itemHashes; j++) s += w.itemBias[c.ids[n * cfg.itemHashes + j]];
    if (state) {
      for (let j = 0; j < cfg.itemHashes; j++) s += dotRow(state, 0, w.item, c.ids[n * cfg.itemHashes + j], d);
      for (let j = 0; j < cfg.categoryLevels; j++) s += dotRow(state, 0, w.category, c.cats[n * cfg.categoryLevels + j], d);
      s += dotRow(state, 0, w.brand, c.brands[n], d);
    }
    out[n] = s;
  }
  return out;
}

/** Codes made elsewhere (tools, stored histories) must name rows the tables have. */
function checkCodes(c: ItemCodes | HistoryCodes, cfg: ModelConfig, what: string): void {
  const n = c.count;
  if (c.ids.length < n * cfg.itemHashes || c.cats.length < n * cfg.categoryLevels || c.brands.length < n) {
    throw new Error(`ranker: ${what} codes are shorter than their count (${n})`);
  }
  inRange(c.ids, n * cfg.itemHashes, cfg.itemBuckets, `${what} item`);
  inRange(c.cats, n * cfg.categoryLevels, cfg.categoryBuckets, `${what} category`);
  inRange(c.brands, n, cfg.brandBuckets, `${what} brand`);
  if ('types' in c) {
    if (c.types.length < n) throw new Error(`ranker: ${what} has ${c.types.length} event types for ${n} events`);
    inRange(c.types, n, EVENT_TYPE_ROWS, `${what} event type`);
  }
}

function inRange(rows: Int32Array, n: number, size: number, what: string): void {
  for (let i = 0; i < n; i++) {
    if (!(rows[i] >= 0 && rows[i] < size)) throw new Error(`ranker: ${what} row ${rows[i]} is outside 0..${size - 1}`);
  }
}
