// In idle time, after the shelves: is a newer model published? Its weights are fetched and checked
// now and kept with the pointer, which moves, so the next page ranks with it at once.
// With federated learning that is the newest published version; otherwise the site's shipped
// model.json, which a new deployment changes.
import type { ModelJson } from '../model/plain/artifact';
import type { ModelInfo } from '../sync/wire';
import { fetchModelJson, fetchWeights } from './load';
import { writePointer, type ModelPointer, type StateStore } from './pointer';

export interface UpdateDeps {
  /** The pointer's source (see pointer.ts). */
  source: string;
  sync: string | null;
  /** The shipped model.json. */
  shipped: string;
  /** The version the page ranks with, or null. */
  current: string | null;
  store: StateStore;
  fetch: typeof fetch;
  /** GET <sync>/model. */
  modelInfo(sync: string): Promise<ModelInfo>;
}

/** The pointer to a newer model, once its weights are verified and stored; null when the page's is the newest. */
export async function newerModel(deps: UpdateDeps): Promise<ModelPointer | null> {
  let url = deps.shipped;
  let json: ModelJson | undefined;
  if (deps.sync) {
    const info = await deps.modelInfo(deps.sync);
    if (info.version === deps.current) return null;
    url = info.url;
  } else {
    json = await fetchModelJson(url, deps.fetch);
    if (json.version === deps.current) return null;
  }
  json ??= await fetchModelJson(url, deps.fetch);
  const weights = await fetchWeights(url, json, deps.fetch);
  const pointer = { source: deps.source, url, json, weights };
  await writePointer(deps.store, pointer);
  return pointer;
}
