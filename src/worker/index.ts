// The learning worker's entry: wires the store and the TF.js model. The page ranks without it;
// it is started in idle time, only when there is something to learn (a personal vector to fit
// again, a federated round to take part in), and everything heavy (TF.js, the backends, shader
// compilation) stays off the page's main thread.
import { openStore, type Store } from '../store';
import type { AdaptOutcome, Calls, Request, Response, WorkerDebug, WorkerOptions } from './protocol';
import { loadLearner, type Learner } from './learner';
import { readHistory } from './history';
import { contribute } from './federate';
import { offeredNegatives, savePersonal } from './personal';

let options: WorkerOptions | undefined;
let store: Promise<Store> | undefined;
let learner: Promise<Learner> | undefined;
const timings: WorkerDebug['timings'] = {};

function need(): WorkerOptions {
  if (!options) throw new Error('worker: called before init');
  return options;
}

const getStore = () => (store ??= openStore({ dbName: need().dbName }));

function getLearner(): Promise<Learner> {
  return (learner ??= (async () => {
    const { modelUrl, backends, softwareGpu } = need();
    const started = performance.now();
    const loaded = await loadLearner(modelUrl, backends, { softwareGpu });
    timings.load = Math.round(performance.now() - started);
    return loaded;
  })());
}

/** One learning task at a time: both read the history and may write the store. */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

async function adapt(): Promise<AdaptOutcome> {
  const [model, db] = await Promise.all([getLearner(), getStore()]);
  const started = performance.now();
  const history = await readHistory(db);
  const offered = await offeredNegatives(db, history);
  const fit = await model.adapt(history, offered);
  const dismissed = offered.dismissed?.length ?? 0;
  // Saved either way: the fit is not tried again before enough new history (or a new dismissal) has come.
  await savePersonal(db, {
    modelVersion: model.version,
    vector: fit?.vector ?? null,
    ...(dismissed ? { gamma: fit?.gamma ?? 0, dismissed } : {}),
    events: history.length,
    at: Date.now(),
  });
  timings.adapt = Math.round(performance.now() - started);
  return fit?.vector || fit?.gamma ? 'fitted' : 'unchanged';
}

const calls: { [K in keyof Calls]: (...args: Parameters<Calls[K]>) => Promise<ReturnType<Calls[K]>> } = {
  async init(opts) {
    options = opts;
    // Start loading TF.js and the model now: the page only starts a worker it has work for.
    getLearner().catch(() => {});
  },
  adapt: () => serial(adapt),
  contribute: () =>
    serial(async () => {
      const sync = need().syncUrl;
      if (!sync) return 'off';
      const [model, db] = await Promise.all([getLearner(), getStore()]);
      const history = await readHistory(db);
      return contribute(sync, db, model, history, await offeredNegatives(db, history));
    }),
  async debug() {
    const model = learner ? await learner.catch(() => undefined) : undefined;
    return { backend: model?.backend ?? 'none', modelVersion: model?.version ?? null, timings };
  },
};

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
