// The neighbourhood baselines every protocol reports beside the model: popularity, item-kNN and
// session/user kNN (V-SKNN). Ludewig et al. (UMUAI 2021) found these match many neural models on
// session data, so they are built carefully (published defaults, exact cosine) rather than as
// strawmen. Everything lives in flat typed arrays so full ranking of a 12k-item catalog stays fast.
import type { Sequence } from '../../src/model/plain/batch';
import { rankOf, topK } from './metrics';
import type { Case } from './split';

export interface Baseline {
  name: string;
  /** Fills scores (length = item count) for this history; higher = better. */
  score(history: Sequence, out: Float32Array): void;
}

export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  neighbours?: number;
  /** Only pairs at most this many (distinct) positions apart co-occur; bounds the cost of long histories. */
  window?: number;
  /** Co-occurrence weight by distance: 'none' is plain cosine over sequences (Ludewig's iknn),
   * 'inverse' weighs a pair 1/distance, favouring items bought close together. */
  decay?: 'none' | 'inverse';
}

export interface SknnOptions {
  /** Most similar sequences kept as neighbours (k). */
  neighbours?: number;
  /** When more sequences share an item with the history, only the `sampleSize` most recent are candidates (m). */
  sampleSize?: number;
  /** Only the history's last `maxHistory` distinct items are matched (older ones weigh ~0 under the decay anyway). */
  maxHistory?: number;
  /** Weight of the history's r-th newest distinct item (r = 1 newest) among n: 'linear' (n-r+1)/n as in
   * V-SKNN, or 'div' 1/r (session-rec's harmonic variant), which leans harder on the newest items. */
  decay?: 'linear' | 'div';
  /** Per training sequence, larger = more recent (e.g. its last timestamp); default: its index. */
  recency?: ArrayLike<number>;
}

export interface BaselineOptions {
  itemknn?: ItemKnnOptions;
  sknn?: SknnOptions;
}

// Defaults chosen on Beauty's validation split (NDCG@10, full ranking): item-kNN 'inverse' 0.0476
// vs plain cosine 0.0434; V-SKNN with 'div' decay over the last 10 items 0.0541 vs linear over 50
// 0.0514; k = 50..500 and m = 500..all changed it by < 0.002.
export const ITEMKNN_DEFAULTS: Required<ItemKnnOptions> = { neighbours: 200, window: 50, decay: 'inverse' };
const SKNN_DEFAULTS = { neighbours: 100, sampleSize: 1000, maxHistory: 10, decay: 'div' as 'linear' | 'div' };

/** popularity, itemknn, sknn — all fitted on `trainSeqs` only. */
export function buildBaselines(itemCount: number, trainSeqs: readonly Sequence[], opts: BaselineOptions = {}): Baseline[] {
  const pop = popularityCounts(itemCount, trainSeqs);
  return [popularityBaseline(pop), itemKnnBaseline(itemCount, trainSeqs, opts.itemknn, pop), sknnBaseline(itemCount, trainSeqs, opts.sknn, pop)];
}

/** Ranks each case's target with one reused score buffer; `exclude` gives the items a case may not be recommended. */
export function baselineRanks(
  b: Baseline,
  cases: readonly Case[],
  itemCount: number,
  exclude: (c: Case) => Set<number>,
  top?: number,
): { ranks: Float64Array; tops?: number[][] } {
  const buf = new Float32Array(itemCount);
  const ranks = new Float64Array(cases.length);
  const tops: number[][] | undefined = top ? new Array(cases.length) : undefined;
  cases.forEach((c, i) => {
    b.score(c.history, buf);
    const excluded = exclude(c);
    ranks[i] = rankOf(buf, c.target, excluded);
    if (tops) tops[i] = topK(buf, top!, excluded);
  });
  return { ranks, tops };
}

export function popularityCounts(itemCount: number, seqs: readonly Sequence[]): Float64Array {
  const pop = new Float64Array(itemCount);
  for (const s of seqs) for (let i = 0; i < s.items.length; i++) pop[checkItem(s.items[i], itemCount)]++;
  return pop;
}

export function popularityBaseline(pop: Float64Array): Baseline {
  return { name: 'popularity', score: (_h, out) => out.set(pop) };
}

// ---- item-kNN ---------------------------------------------------------------------------------

/** Item-to-item cosine over sequences, scored against the history's last item (what `server_itemknn` does). */
export function itemKnnBaseline(itemCount: number, trainSeqs: readonly Sequence[], o: ItemKnnOptions = {}, pop?: Float64Array): Baseline {
  const opts = { ...ITEMKNN_DEFAULTS, ...o };
  const table = itemNeighbours(itemCount, distinctSeqs(trainSeqs, itemCount), opts);
  const fallback = fallbackScores(pop ?? popularityCounts(itemCount, trainSeqs));
  return {
    name: 'itemknn',
    score(history, out) {
      const n = history.items.length;
      const last = n > 0 ? checkItem(history.items[n - 1], itemCount) : -1;
      const from = last < 0 ? 0 : table.start[last];
      const to = last < 0 ? 0 : table.start[last + 1];
      // Popularity, scaled below the weakest neighbour, orders only the non-neighbours.
      fillScaled(out, fallback, to > from ? 0.5 * table.sims[to - 1] : 1);
      for (let p = from; p < to; p++) out[table.ids[p]] = table.sims[p];
    },
  };
}

/** Per item, its neighbours sorted by similarity (CSR rows), best first. */
export interface NeighbourTable {
  start: Int32Array;
  ids: Int32Array;
  sims: Float32Array;
}

export function itemNeighbours(itemCount: number, seqs: DistinctSeqs, opts: Required<ItemKnnOptions>): NeighbourTable {
  const post = postings(seqs, itemCount);
  const support = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) support[i] = post.start[i + 1] - post.start[i];
  const acc = new Float64Array(itemCount);
  const touched = new Int32Array(itemCount);
  const rows: { ids: Int32Array; sims: Float32Array }[] = [];
  for (let i = 0; i < itemCount; i++) {
    const nt = coOccurrences(i, seqs, post, opts, acc, touched);
    rows.push(keepBest(i, touched.subarray(0, nt), acc, support, opts.neighbours));
  }
  return packRows(rows);
}

/** Accumulates into `acc` the weighted co-occurrence of item i with every other item; returns how many were touched. */
function coOccurrences(i: number, seqs: DistinctSeqs, post: Postings, opts: Required<ItemKnnOptions>, acc: Float64Array, touched: Int32Array): number {
  let nt = 0;
  for (let p = post.start[i]; p < post.start[i + 1]; p++) {
    const s = post.seq[p];
    const a = seqs.start[s];
    const pos = post.pos[p];
    const lo = Math.max(a, pos - opts.window);
    const hi = Math.min(seqs.start[s + 1] - 1, pos + opts.window);
    for (let q = lo; q <= hi; q++) {
      if (q === pos) continue;
      const j = seqs.items[q];
      if (acc[j] === 0) touched[nt++] = j;
      acc[j] += opts.decay === 'inverse' ? 1 / Math.abs(q - pos) : 1;
    }
  }
  return nt;
}

/** Cosine = co-occurrence / sqrt(support_i * support_j); keeps the k best and clears `acc`. */
function keepBest(i: number, touched: Int32Array, acc: Float64Array, support: Float64Array, k: number) {
  const sims = new Float64Array(touched.length);
  for (let t = 0; t < touched.length; t++) {
    const j = touched[t];
    sims[t] = acc[j] / Math.sqrt(support[i] * support[j]);
    acc[j] = 0;
  }
  const order = Array.from(touched.keys()).sort((a, b) => sims[b] - sims[a] || touched[a] - touched[b]);
  const kept = order.slice(0, k);
  return { ids: Int32Array.from(kept, (t) => touched[t]), sims: Float32Array.from(kept, (t) => sims[t]) };
}

function packRows(rows: { ids: Int32Array; sims: Float32Array }[]): NeighbourTable {
  const start = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (start[i + 1] = start[i] + r.ids.length));
  const ids = new Int32Array(start[rows.length]);
  const sims = new Float32Array(start[rows.length]);
  rows.forEach((r, i) => {
    ids.set(r.ids, start[i]);
    sims.set(r.sims, start[i]);
  });
  return { start, ids, sims };
}

// ---- session / user kNN (V-SKNN) -------------------------------------------------------------

/**
 * V-SKNN (Jannach & Ludewig 2017; Ludewig et al. 2021): the history's distinct items weigh linearly
 * by recency (newest 1); a training sequence's similarity is the cosine between that weighted
 * vector and its item set; the k most similar sequences vote their similarity to each of their items.
 * The history's own sequence never counts as its neighbour (see `selfFinder`).
 */
export function sknnBaseline(itemCount: number, trainSeqs: readonly Sequence[], o: SknnOptions = {}, pop?: Float64Array): Baseline {
  const opts = { ...SKNN_DEFAULTS, ...o };
  const seqs = distinctSeqs(trainSeqs, itemCount);
  const post = postings(seqs, itemCount);
  const recency = opts.recency ?? Float64Array.from(trainSeqs, (_, i) => i);
  const isSelf = selfFinder(trainSeqs);
  const fallback = fallbackScores(pop ?? popularityCounts(itemCount, trainSeqs));
  const dot = new Float64Array(trainSeqs.length);
  const weight = new Float64Array(itemCount);
  const touched = new Int32Array(trainSeqs.length);
  return {
    name: 'sknn',
    score(history, out) {
      const hist = recentDistinct(history.items, opts.maxHistory, itemCount);
      hist.forEach((item, r) => (weight[item] = opts.decay === 'div' ? 1 / (hist.length - r) : (r + 1) / hist.length));
      const self = isSelf(history);
      let nt = 0;
      for (const item of hist) {
        for (let p = post.start[item]; p < post.start[item + 1]; p++) {
          const s = post.seq[p];
          if (s === self) continue;
          if (dot[s] === 0) touched[nt++] = s;
          dot[s] += weight[item];
        }
      }
      const norm = Math.sqrt(hist.reduce((a, item) => a + weight[item] * weight[item], 0));
      const nb = neighbours(touched.subarray(0, nt), dot, seqs, recency, opts, norm);
      for (const item of hist) weight[item] = 0;
      // Popularity, scaled below the weakest neighbour, orders only the items no neighbour holds.
      fillScaled(out, fallback, nb.length ? 0.5 * nb[nb.length - 1].sim : 1);
      for (const { s } of nb) for (let q = seqs.start[s]; q < seqs.start[s + 1]; q++) out[seqs.items[q]] = 0;
      for (const { s, sim } of nb) for (let q = seqs.start[s]; q < seqs.start[s + 1]; q++) out[seqs.items[q]] += sim;
    },
  };
}

/** The m most recent candidates, then the k most similar of those, best first; clears `dot`. */
function neighbours(cands: Int32Array, dot: Float64Array, seqs: DistinctSeqs, recency: ArrayLike<number>, opts: typeof SKNN_DEFAULTS, norm: number) {
  let pool = Array.from(cands);
  if (pool.length > opts.sampleSize) pool = pool.sort((a, b) => recency[b] - recency[a] || b - a).slice(0, opts.sampleSize);
  const scored = pool.map((s) => ({ s, sim: dot[s] / (norm * Math.sqrt(seqs.start[s + 1] - seqs.start[s])) }));
  for (const s of cands) dot[s] = 0;
  return scored.sort((a, b) => b.sim - a.sim || a.s - b.s).slice(0, opts.neighbours);
}

/** The history's last `max` distinct items, oldest first (each at its latest occurrence). */
function recentDistinct(items: ArrayLike<number>, max: number, itemCount: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = items.length - 1; i >= 0 && out.length < max; i--) {
    const item = checkItem(items[i], itemCount);
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out.reverse();
}

/**
 * Finds the training sequence that belongs to the same user as a history: the same items array,
 * or a typed-array view starting at the same memory (leaveLastOut's train sequence and its
 * validation/test histories are prefixes of one array). Returns -1 when none.
 */
function selfFinder(trainSeqs: readonly Sequence[]): (h: Sequence) => number {
  const byObject = new Map<object, number>();
  const byView = new Map<ArrayBufferLike, Map<number, number>>();
  trainSeqs.forEach((s, i) => {
    byObject.set(s.items, i);
    const v = viewOf(s.items);
    if (!v) return;
    if (!byView.has(v.buffer)) byView.set(v.buffer, new Map());
    byView.get(v.buffer)!.set(v.byteOffset, i);
  });
  return (h) => {
    const v = viewOf(h.items);
    return byObject.get(h.items) ?? (v ? byView.get(v.buffer)?.get(v.byteOffset) : undefined) ?? -1;
  };
}

function viewOf(xs: ArrayLike<number>): ArrayBufferView | undefined {
  return ArrayBuffer.isView(xs) && xs.byteLength > 0 ? xs : undefined;
}

// ---- shared structures ------------------------------------------------------------------------

/** Training sequences with repeats removed (each item kept at its latest position), as CSR rows. */
export interface DistinctSeqs {
  start: Int32Array;
  items: Int32Array;
}

export function distinctSeqs(seqs: readonly Sequence[], itemCount: number): DistinctSeqs {
  const rows = seqs.map((s) => recentDistinct(s.items, Infinity, itemCount));
  const start = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (start[i + 1] = start[i] + r.length));
  const items = new Int32Array(start[rows.length]);
  rows.forEach((r, i) => items.set(r, start[i]));
  return { start, items };
}

/** Inverted index: for each item, the sequences holding it and the position there. */
interface Postings {
  start: Int32Array;
  seq: Int32Array;
  pos: Int32Array;
}

function postings(seqs: DistinctSeqs, itemCount: number): Postings {
  const start = new Int32Array(itemCount + 1);
  for (const item of seqs.items) start[item + 1]++;
  for (let i = 0; i < itemCount; i++) start[i + 1] += start[i];
  const fill = start.slice(0, itemCount);
  const seq = new Int32Array(seqs.items.length);
  const pos = new Int32Array(seqs.items.length);
  for (let s = 0; s + 1 < seqs.start.length; s++) {
    for (let q = seqs.start[s]; q < seqs.start[s + 1]; q++) {
      const at = fill[seqs.items[q]]++;
      seq[at] = s;
      pos[at] = q;
    }
  }
  return { start, seq, pos };
}

/** Popularity scaled into [0, 1): multiplied by a factor below the weakest real score, it only breaks ties. */
function fallbackScores(pop: Float64Array): Float32Array {
  let max = 0;
  for (const p of pop) max = Math.max(max, p);
  return Float32Array.from(pop, (p) => p / (max + 1));
}

function fillScaled(out: Float32Array, base: Float32Array, scale: number): void {
  for (let i = 0; i < out.length; i++) out[i] = base[i] * scale;
}

function checkItem(item: number, itemCount: number): number {
  if (!(item >= 0 && item < itemCount) || !Number.isInteger(item)) throw new Error(`item index ${item} is outside the catalog (0..${itemCount - 1})`);
  return item;
}
