// Which model this device ranks with, kept in the store so that a page finds it without asking
// the network: the version's model.json itself (architecture, weights manifest, hash) and the URL
// it came from, whose weights file beside it is immutable and stays in the HTTP cache, and a copy of
// those weights: the page reads them with the pointer, in a read it makes anyway, where asking the
// HTTP cache for them took 6-24 ms of the time from a shelf's candidates to the shelf on a slow
// machine. Idle time moves the pointer to a newer version (model-update.ts); the next page ranks
// with that one.
import { checkModelJson, type ModelJson } from '../model/plain/artifact';
import { MODEL_KEY } from '../shared/storage-keys';
import type { Store } from '../store';

export interface ModelPointer {
  /** Where versions come from: the site's federated-learning base, or its shipped model.json. A
   *  pointer from another source (the site changed its settings) is not used. */
  source: string;
  /** This version's model.json; its weights path is relative to it. */
  url: string;
  json: ModelJson;
  /** The weights file's bytes, checked against `json.weightsSha256` when they were fetched. Absent
   *  from a pointer an older widget wrote: the page fetches them and keeps them in idle time. */
  weights?: ArrayBuffer;
}

export type StateStore = Pick<Store, 'getState' | 'setState'>;

export async function readPointer(store: StateStore, source: string): Promise<ModelPointer | undefined> {
  const p = await store.getState<ModelPointer>(MODEL_KEY);
  if (p?.source !== source || typeof p.url !== 'string') return undefined;
  try {
    const json = checkModelJson(p.json);
    return { source, url: p.url, json, ...(p.weights instanceof ArrayBuffer ? { weights: p.weights } : {}) };
  } catch {
    return undefined; // written by an older widget, or damaged: the model is fetched again
  }
}

export async function writePointer(store: StateStore, pointer: ModelPointer): Promise<void> {
  await store.setState(MODEL_KEY, pointer);
}

/** The weights file of a version: its manifest's path, relative to its model.json. */
export function weightsUrl(pointer: Pick<ModelPointer, 'url' | 'json'>): string {
  return new URL(pointer.json.weightsManifest[0].paths[0], pointer.url).href;
}
