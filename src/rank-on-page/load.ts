// Loads a model version for ranking on the page: its model.json (from the store's pointer when
// there is one, so no request is needed), its weights (the pointer's copy, else from the network or
// the HTTP cache: the file is immutable), checked against the hash model.json promises, decoded a
// slice per task, and the ranker warmed once so the first shelf does not pay for V8's cold start.
// The co-occurrence prior's code is fetched only for a model that carries one.
import { byteLengthOf, checkModelJson, sha256Hex, type ModelJson } from '../model/plain/artifact';
import { createRanker, type Ranker } from '../model/plain/rank/ranker';
import { hasPrior } from '../model/plain/co-key';
import { decodeInSlices } from './decode';
import { weightsUrl } from './pointer';

export interface LoadedModel {
  version: string;
  /** Its model.json. */
  url: string;
  json: ModelJson;
  ranker: Ranker;
  /** The weights, when they were fetched rather than given: for the pointer to keep. */
  fetched?: ArrayBuffer;
}

export interface LoadDeps {
  fetch: typeof fetch;
  nextTask(): Promise<void>;
}

export async function fetchModelJson(url: string, fetcher: typeof fetch): Promise<ModelJson> {
  const res = await fetcher(url, { credentials: 'omit' });
  if (!res.ok) throw new Error(`model: ${url} answered ${res.status}`);
  return checkModelJson(await res.json());
}

/** The weights of `json`, verified. A weights URL names one version's content, so a cached copy is
 *  used without asking the server; one that does not match (a path reused for new content) is
 *  fetched again once. */
export async function fetchWeights(url: string, json: ModelJson, fetcher: typeof fetch): Promise<ArrayBuffer> {
  const file = weightsUrl({ url, json });
  let hash = '';
  for (const cache of ['force-cache', 'no-cache'] as const) {
    const res = await fetcher(file, { cache, credentials: 'omit' });
    if (!res.ok) throw new Error(`model: ${file} answered ${res.status}`);
    const bytes = await res.arrayBuffer();
    hash = await sha256Hex(bytes);
    if (hash === json.weightsSha256) return bytes;
  }
  throw new Error(`model: weights hash ${hash.slice(0, 12)}… does not match model.json`);
}

/** `kept`: the weights the pointer holds, used when they have model.json's size. They were checked
 *  against its hash when fetched and are written with it in one record, so hashing them again on
 *  every page (a round trip to WebCrypto's thread, between the pointer and the model, longer for
 *  larger weights) would guard against nothing that could not rewrite the hash as well. */
export async function loadModel(url: string, known: ModelJson | undefined, deps: LoadDeps, kept?: ArrayBuffer): Promise<LoadedModel> {
  const json = known ?? (await fetchModelJson(url, deps.fetch));
  const bytes = kept?.byteLength === byteLengthOf(json.weightsManifest[0].weights) ? kept : await fetchWeights(url, json, deps.fetch);
  await deps.nextTask();
  const arrays = await decodeInSlices(json.weightsManifest[0].weights, bytes, deps.nextTask);
  await deps.nextTask();
  const prior = hasPrior(arrays) ? (await import('../model/plain/co-occurrence')).addPriorOf(arrays) : null;
  const ranker = createRanker(json.config, arrays, prior);
  await deps.nextTask();
  ranker.warm();
  return { version: json.version, url, json, ranker, ...(bytes === kept ? {} : { fetched: bytes }) };
}
