// What a page does once its shelves are shown, in idle time (its own chunk: no shelf waits for
// it): move to a newer published model, then learn if there is something to learn, in the TF.js
// worker, which is started for that and for nothing else.
import { getModelInfo, getRound } from '../sync/client';
import type { ModelInfo, RoundInfo } from '../sync/wire';
import { learn } from './learning';
import { newerModel } from './model-update';
import { writePointer } from './pointer';
import type { PageState } from './index';
import { startWorker, type WorkerClient } from './worker-client';

/** The network and the worker, as after-shelves work reaches them (tests stand in for them). */
export interface Reach {
  fetch: typeof fetch;
  modelInfo(sync: string): Promise<ModelInfo>;
  round(sync: string): Promise<RoundInfo>;
  startWorker(url: string): WorkerClient;
}

const REACH: Reach = { fetch: (...a) => fetch(...a), modelInfo: getModelInfo, round: getRound, startWorker };

export async function afterShelves(state: PageState, reach: Reach = REACH): Promise<void> {
  const { opts } = state;
  // A page that loaded no model had no history to rank for: nothing to update or learn.
  if (state.stopped || !state.model) return;
  const store = await opts.store();
  if (state.unsaved) {
    await writePointer(store, state.unsaved).catch(opts.warn);
    state.unsaved = null;
  }
  const current = await state.model?.catch(() => null);
  const pointer = await newerModel({
    source: opts.sync ?? opts.shipped,
    sync: opts.sync,
    shipped: opts.shipped,
    current: current?.version ?? null,
    store,
    fetch: reach.fetch,
    modelInfo: reach.modelInfo,
  }).catch((error: unknown) => void opts.warn(error));
  // Shelves already shown keep their order; any shown later on this page use the new model.
  if (pointer) state.model = state.load(pointer.url, pointer.json, pointer.weights);
  await learnNow(state, reach);
}

/** Learns what there is to learn now, with the page's model (again after the shopper dismissed an
 *  item: the personal vector takes dismissals in). */
export async function learnNow(state: PageState, reach: Reach = REACH): Promise<void> {
  const { opts } = state;
  const model = await state.model?.catch(() => null);
  if (!model || state.stopped) return;
  const store = await opts.store();
  const worker = (): WorkerClient => {
    if (state.stopped) throw new Error('personalization was turned off');
    if (!state.worker) {
      state.worker = reach.startWorker(opts.workerUrl);
      const { sync: syncUrl, backends, softwareGpu, dbName } = opts;
      state.worker.call('init', { modelUrl: model.url, syncUrl, backends, softwareGpu, dbName }).catch(opts.warn);
    }
    return state.worker;
  };
  const learnt = await learn({
    store,
    model: { version: model.version, config: model.json.config },
    sync: opts.sync,
    round: () => reach.round(opts.sync!),
    worker,
    warn: opts.warn,
  });
  if (learnt.contribution && learnt.contribution !== 'off') state.outcome = learnt.contribution;
}
