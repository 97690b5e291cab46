// What the ranking benchmark times, the same in Node and in Chromium: a shelf of candidates for a
// shopper with a full window of history, through the TF.js-free ranker and through TF.js's
// scoreCandidates on the current backend, cycling through a few shoppers.
import type { NamedArray } from '../../src/model/plain/artifact';
import type { ModelConfig } from '../../src/model/plain/config';
import { createRanker } from '../../src/model/plain/rank/ranker';
import { scoreCandidates } from '../../src/model/score';
import { weightsFromArrays, weightsToArrays } from '../../src/model/tensors';
import { createWeights, disposeWeights, weightSpecs } from '../../src/model/weights';
import { rankCases, type RankCase } from '../../src/model/testing/rank-cases';
import { timeCalls, type Timing, type TimingOptions } from './bench-timing';

/** One row of the comparison: a model through one path. */
export interface BenchRow {
  model: string;
  path: string;
  timing?: Timing;
  gap?: number;
  error?: string;
}

export interface MainThreadProbe {
  model: string;
  candidates: number;
  /** Building the ranker from decoded weights. */
  buildMs: number;
  /** ranker.warm() before the calls, when the probe ran it. */
  warmMs?: number;
  /** The first calls in a fresh page, in order (cold JIT). */
  firstCalls: number[];
  calls: Timing;
  /** Durations of the long tasks (over 50 ms) the browser saw while the probe ran, whatever
   *  ran in them. */
  longTasks: number[];
}

export interface BenchModel {
  name: string;
  cfg: ModelConfig;
  arrays: NamedArray[];
}

/** Shoppers with a window's worth of interest events (and more), each with its own shelf. */
export function benchCases(cfg: ModelConfig, candidates: number, count = 8): RankCase[] {
  return Array.from({ length: count }, (_, k) => rankCases(cfg, 100 + k, candidates).find((c) => c.label === `${cfg.maxLen + 3} interest events`)!);
}

/** Freshly initialized weights (the timing does not depend on their values). */
export async function initialArrays(cfg: ModelConfig, seed = 1): Promise<NamedArray[]> {
  const w = createWeights(weightSpecs(cfg), seed);
  const arrays = await weightsToArrays(w);
  disposeWeights(w);
  return arrays;
}

/** The TF.js-free path; `first` includes building the ranker from the arrays. With
 *  `sameHistory`, every call ranks another shelf for the first shopper (the ranker then reuses
 *  the shopper's state, as for a page's second shelf). */
async function timePlain(m: BenchModel, cases: RankCase[], opts: TimingOptions, sameHistory = false): Promise<Timing> {
  let ranker: ReturnType<typeof createRanker> | undefined;
  return timeCalls((i) => {
    ranker ??= createRanker(m.cfg, m.arrays);
    const c = cases[i % cases.length];
    return ranker.score(sameHistory ? cases[0].history : c.history, c.candidates);
  }, opts);
}

export async function plainRows(m: BenchModel, cases: RankCase[], opts: TimingOptions): Promise<BenchRow[]> {
  return [
    { model: m.name, path: 'plain', timing: await timePlain(m, cases, opts) },
    { model: m.name, path: 'plain, same history', timing: await timePlain(m, cases, opts, true) },
  ];
}

/** TF.js on whatever backend is set; `first` includes uploading the weights. */
export async function timeTfjs(m: BenchModel, cases: RankCase[], opts: TimingOptions): Promise<Timing> {
  let w: ReturnType<typeof weightsFromArrays> | undefined;
  try {
    return await timeCalls((i) => {
      w ??= weightsFromArrays(weightSpecs(m.cfg), m.arrays);
      const c = cases[i % cases.length];
      return scoreCandidates(w, m.cfg, c.history, c.candidates);
    }, opts);
  } finally {
    if (w) disposeWeights(w);
  }
}

/** Largest |plain - TF.js| over the cases, relative to the largest |TF.js score|: a sanity check
 *  that both paths timed the same ranking. */
export async function relativeGap(m: BenchModel, cases: RankCase[]): Promise<number> {
  const ranker = createRanker(m.cfg, m.arrays);
  const w = weightsFromArrays(weightSpecs(m.cfg), m.arrays);
  let worst = 0;
  let scale = 0;
  for (const c of cases) {
    const ref = await scoreCandidates(w, m.cfg, c.history, c.candidates);
    const plain = ranker.score(c.history, c.candidates);
    ref.forEach((r, i) => {
      worst = Math.max(worst, Math.abs(r - plain[i]));
      scale = Math.max(scale, Math.abs(r));
    });
  }
  disposeWeights(w);
  return scale > 0 ? worst / scale : worst;
}
