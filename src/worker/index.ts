// The model worker's entry: wires the store and the model. Everything heavy (TF.js, the model,
// the backends) lives here, off the page's main thread.
import { openStore, type Store } from '../store';
import { isInterest } from '../shared/events';
import { LAST_CONTRIBUTION_KEY, scoresKey } from '../shared/storage-keys';
import type { EventLike } from '../model/plain/features';
import type { Calls, CandidateFeatures, DebugInfo, RankResult, Request, Response, WorkerOptions } from './protocol';
import { loadRanker, type Ranker } from './ranker';
import { rankerSlot } from './ranker-slot';
import { HISTORY_READ, toModelEvents } from './history';
import { contribute, type LastContribution } from './federate';
import { getModelInfo } from '../sync/client';
import { needsRefit, offeredNegatives, personalVector, rememberOffered, savePersonal } from './personal';

let options: WorkerOptions | undefined;
let store: Promise<Store> | undefined;
const timings: DebugInfo['timings'] = {};
const contribution: DebugInfo['contribution'] = { lastRound: null, outcome: null };

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`worker: ${what} before init`);
  return value;
}

const getStore = () => (store ??= openStore({ dbName: need(options, 'store').dbName }));

/** The newest federated model when the site runs rounds (it falls back to the shipped one). */
async function modelUrl(): Promise<string> {
  const { modelUrl: shipped, syncUrl } = need(options, 'model');
  return syncUrl ? getModelInfo(syncUrl).then((m) => m.url, () => shipped) : shipped;
}

const rankers = rankerSlot(async () => {
  const started = performance.now();
  const ranker = await loadRanker(await modelUrl(), need(options, 'model').backends);
  timings.load = Math.round(performance.now() - started);
  return ranker;
});

/** With each event's record id, which tells a federated contribution what is new since the last. */
async function interestEvents() {
  const records = (await (await getStore()).recent({ limit: HISTORY_READ })).filter((r) => isInterest(r.type));
  return toModelEvents(records).map((e, i) => ({ ...e, id: records[i].id }));
}

/** The latest ranking in flight: a contribution waits for it to record what was offered. */
let ranking: Promise<void> = Promise.resolve();

async function rankNow(model: Ranker, slotKey: string, candidates: CandidateFeatures[], started: number): Promise<RankResult> {
  const [history, store] = await Promise.all([interestEvents(), getStore()]);
  const personal = await personalVector(store, model.version);
  const scores = await model.score(history, candidates, personal?.vector ?? undefined);
  const byId: Record<string, number> = {};
  candidates.forEach((c, i) => (byId[c.item_id] = scores[i]));
  await store.setState(scoresKey(slotKey), { at: Date.now(), scores: byId });
  await rememberOffered(store, candidates);
  // After answering: fit the personal vector again once enough new history has arrived.
  if (needsRefit(personal, history.length)) setTimeout(() => rankers.use((m) => refit(m, store, history)).catch(() => {}), 0);
  timings.rank = Math.round(performance.now() - started);
  return {
    scores: Array.from(scores),
    backend: model.backend,
    modelVersion: model.version,
    history: history.length,
    ms: performance.now() - started,
  };
}

const calls: { [K in keyof Calls]: (...args: Parameters<Calls[K]>) => Promise<ReturnType<Calls[K]>> } = {
  async init(opts) {
    options = opts;
    // Start loading and compiling now, while the page fetches its candidates.
    rankers.use(() => {}).catch(() => {});
  },
  async rank(slotKey, candidates) {
    const started = performance.now();
    const result = rankers.use((model) => rankNow(model, slotKey, candidates, started));
    ranking = result.then(() => {}, () => {});
    return result;
  },
  async debug() {
    const model = await rankers.use((m) => ({ backend: m.backend, version: m.version })).catch(() => undefined);
    const events = options ? await (await getStore()).count() : 0;
    return { backend: model?.backend ?? 'none', modelVersion: model?.version ?? null, events, timings, contribution };
  },
  async contribute() {
    const sync = need(options, 'sync').syncUrl;
    if (!sync) return 'off';
    await ranking;
    const store = await getStore();
    const outcome = await rankers.use(async (model) => {
      const history = await interestEvents();
      return contribute(sync, store, model, history, await offeredNegatives(store, history));
    });
    contribution.outcome = outcome;
    if (outcome === 'sent') contribution.lastRound = (await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY))?.round ?? null;
    // A newer global model was published: load it for the next request.
    if (outcome === 'stale-model') rankers.replace();
    return outcome;
  },
};

let refitting = false;
async function refit(model: Ranker, store: Store, history: EventLike[]): Promise<void> {
  if (refitting) return;
  refitting = true;
  try {
    const started = performance.now();
    const vector = await model.adapt(history, await offeredNegatives(store, history));
    await savePersonal(store, { modelVersion: model.version, vector, events: history.length, at: Date.now() });
    timings.adapt = Math.round(performance.now() - started);
  } finally {
    refitting = false;
  }
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const { id, call, args } = event.data;
  let reply: Response;
  try {
    const fn = calls[call] as (...a: unknown[]) => Promise<unknown>;
    if (!fn) throw new Error(`worker: unknown call "${call}"`);
    reply = { id, ok: true, result: await fn(...args) };
  } catch (err) {
    reply = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
