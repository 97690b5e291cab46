// The ranking chunk: orders shelves on the page's main thread with the TF.js-free ranker, from the
// model the store's pointer names (its weights in the HTTP cache) and the history and personal
// vector in the store. No request stands between a page's candidates and its personalized shelf.
// TF.js is not here: after the shelves, in idle time, the part in after-shelves.ts checks for a
// newer model and starts the learning worker only when there is something to learn.
import { parseItem } from '../capture/item';
import type { ItemLike } from '../model/plain/features';
import { LAST_CONTRIBUTION_KEY, PERSONAL_KEY, scoresKey } from '../shared/storage-keys';
import type { BackendName, Candidate, Explanation } from '../shared/types';
import type { Store } from '../store';
import type { ContributionOutcome, LastContribution } from '../worker/federate';
import { HISTORY_READ, toModelEvents } from '../worker/history';
import { rankingVector, type PersonalState } from '../worker/personal';
import type { DebugInfo, WorkerDebug } from '../worker/protocol';
import { whyThis } from '../model/plain/rank/why';
import { loadModel, type LoadedModel } from './load';
import { complementMask } from './context';
import { cachedScores, orderByScores } from './order';
import { readPointer, writePointer, type ModelPointer } from './pointer';
import { createRanking } from './rank';
import { nextTask } from './tasks';
import type { WorkerClient } from './worker-client';

export interface PageOptions {
  store(): Promise<Store>;
  /** The model.json the site ships. */
  shipped: string;
  /** The federated-learning base, or null. */
  sync: string | null;
  backends: BackendName[];
  softwareGpu: boolean;
  /** The learning worker's script. */
  workerUrl: string;
  dbName: string;
  warn(error: unknown): void;
}

export interface Page {
  /** Starts loading the model if this device has ranked before (the store names one), without
   *  waiting to learn whether there is history: a device that has ranked has some. */
  start(): Promise<void>;
  /** Starts loading the model (idempotent). */
  prepare(): Promise<void>;
  /** The candidates in the model's order. */
  rank(key: string, candidates: Candidate[], context?: string[]): Promise<Candidate[]>;
  /** The candidates in the order of an earlier page's scores for this slot, if they cover enough. */
  cached(key: string, candidates: Candidate[]): Promise<Candidate[] | null>;
  /** Why the model ranks `item` where it does, from this shopper's history. */
  explain(item: Candidate): Promise<Explanation | null>;
  /** Once the shelves are shown, in idle time: a newer model, and learning if there is any (on a
   *  page that ranked). */
  afterShelves(): Promise<void>;
  /** In idle time after the shopper dismissed an item: learning again, if there is anything to
   *  learn (on a page that loaded the model). */
  relearn(): Promise<void>;
  debug(): Promise<DebugInfo>;
  /** Consent withdrawn: the worker stops and nothing more is done. */
  stop(): void;
}

/** Loaded by the idle part; kept here so the page reaches it through one object. */
export interface PageState {
  opts: PageOptions;
  model: Promise<LoadedModel> | null;
  worker: WorkerClient | null;
  stopped: boolean;
  outcome: ContributionOutcome | null;
  /** The pointer to write in idle time: the page's model came from one without its weights. */
  unsaved: ModelPointer | null;
  /** The model at `url`; `weights`: a pointer's copy of them (fetched when absent or damaged). */
  load(url: string, json?: LoadedModel['json'], weights?: ArrayBuffer): Promise<LoadedModel>;
}

const toItem = (c: Candidate): ItemLike => parseItem(c) ?? { item_id: c.item_id };

type AfterShelvesModule = { afterShelves(state: PageState): Promise<void>; learnNow(state: PageState): Promise<void> };

/** `afterShelvesPart` loads the idle part (its own chunk); tests hand it in. */
export function createPage(opts: PageOptions, afterShelvesPart: () => Promise<AfterShelvesModule> = () => import('./after-shelves')): Page {
  const source = opts.sync ?? opts.shipped;
  const timings: DebugInfo['timings'] = {};
  const load = async (url: string, json?: LoadedModel['json'], weights?: ArrayBuffer) => {
    const started = performance.now();
    const loaded = await loadModel(url, json, { fetch: (...a) => fetch(...a), nextTask }, weights);
    timings.load = Math.round(performance.now() - started);
    return loaded;
  };
  const state: PageState = { opts, model: null, worker: null, stopped: false, outcome: null, unsaved: null, load };

  let pointer: ReturnType<typeof readPointer> | undefined;
  const readOnce = async () => (pointer ??= readPointer(await opts.store(), source));

  /** The pointer's version; the shipped model when there is none (written as the pointer) or it fails. */
  async function first(): Promise<LoadedModel> {
    const store = await opts.store();
    const pointer = await readOnce();
    if (pointer) {
      try {
        const { fetched, ...loaded } = await load(pointer.url, pointer.json, pointer.weights);
        if (fetched) state.unsaved = { ...pointer, weights: fetched };
        return loaded;
      } catch (error) {
        opts.warn(error);
      }
    }
    const { fetched, ...shipped } = await load(opts.shipped);
    await writePointer(store, { source, url: shipped.url, json: shipped.json, weights: fetched });
    return shipped;
  }
  const model = () => (state.model ??= first());

  let ranked = false;
  // Until the learning worker starts, only this page's store writes (other tabs aside).
  const ranking = createRanking({ store: opts.store, model, later: afterFrame, alone: () => state.worker === null, warn: opts.warn });

  return {
    async start() {
      // Read beside the pointer, not after it: a device that has ranked before has history.
      const named = readOnce();
      ranking.prefetch();
      if (!(await named)) return;
      await model();
    },
    async prepare() {
      ranking.prefetch();
      await model();
    },
    async rank(key, candidates, context = []) {
      ranked = true;
      const items = candidates.map(toItem);
      const { scores, history, ms } = await ranking.rank(key, items, context);
      timings.rank = Math.round(ms);
      // A cross-sell shelf: complements of its context items, never more of the same.
      const mask = complementMask(items, history, context);
      const offered = new Set(candidates.filter((_, i) => mask[i]));
      const order = orderByScores(candidates, scores).filter((c) => offered.has(c));
      // Each shelf renders in a task of its own: the shelves one store read answers would otherwise
      // render in that read's task, with the read and their scoring (over 50 ms on a slow machine).
      await nextTask();
      return order;
    },
    async cached(key, candidates) {
      const kept = await (await opts.store()).getState<{ scores: Record<string, number> }>(scoresKey(key));
      const scores = cachedScores(candidates.map((c) => c.item_id), kept?.scores);
      return scores && orderByScores(candidates, scores);
    },
    async explain(item) {
      if (state.stopped) return null;
      const [m, store] = await Promise.all([model(), opts.store()]);
      const now = await store.read({ events: { limit: HISTORY_READ }, state: [PERSONAL_KEY] });
      const personal = now.state[PERSONAL_KEY] as PersonalState | undefined;
      const vector = rankingVector(personal?.modelVersion === m.version ? personal : undefined, now.dismissed, m.ranker);
      return whyThis(m.ranker, toModelEvents(now.events), toItem(item), vector, nextTask);
    },
    async afterShelves() {
      // A page that personalized no shelf (the first interest event came after them) leaves the
      // check for a newer model and the learning to the next page.
      if (ranked) await (await afterShelvesPart()).afterShelves(state);
    },
    async relearn() {
      if (state.model) await (await afterShelvesPart()).learnNow(state);
    },
    async debug() {
      const store = await opts.store();
      const [events, last, learning, current] = await Promise.all([
        store.count(),
        store.getState<LastContribution>(LAST_CONTRIBUTION_KEY),
        state.worker?.call('debug').catch(() => null) ?? null,
        state.model?.catch(() => null) ?? null,
      ]);
      return {
        backend: learning?.backend ?? 'none',
        modelVersion: current?.version ?? null,
        events,
        timings: { ...timings, ...learningTimings(learning) },
        contribution: { lastRound: last?.round ?? null, outcome: state.outcome },
      };
    },
    stop() {
      state.stopped = true;
      state.worker?.terminate();
      state.worker = null;
    },
  };
}

/** Runs `fn` once the next frame is out (the shelf on screen first), or after half a second in
 *  a page that draws no frames (hidden). */
function afterFrame(fn: () => void): void {
  let done = false;
  const run = () => {
    if (!done) fn();
    done = true;
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 500);
}

function learningTimings(learning: WorkerDebug | null): Pick<DebugInfo['timings'], 'learn' | 'adapt'> {
  if (!learning) return {};
  const { load, adapt } = learning.timings;
  return { ...(load === undefined ? {} : { learn: load }), ...(adapt === undefined ? {} : { adapt }) };
}
