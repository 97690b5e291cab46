// A model served the way a site serves it (model.json and its weights file), with a fetch that
// records what was asked of it, for tests of loading in Node.
import { ARTIFACT_FORMAT, encodeWeights, sha256Hex, type ModelJson, type Quantization } from '../model/plain/artifact';
import { fixtureArrays } from '../model/testing/fixture-weights';
import { TINY } from '../model/testing/fixture';

export interface Served {
  json: ModelJson;
  bin: Uint8Array;
}

export async function servedModel(seed = 3, quantization: Quantization = 'uint8'): Promise<Served> {
  const { entries, bin } = encodeWeights(fixtureArrays(seed), quantization);
  const hash = await sha256Hex(bin);
  const json: ModelJson = {
    format: ARTIFACT_FORMAT,
    formatVersion: 1,
    version: `fixture-${hash.slice(0, 12)}`,
    config: TINY,
    weightsSha256: hash,
    weightsManifest: [{ paths: [`weights-${hash.slice(0, 16)}.bin`], weights: entries }],
  };
  return { json, bin };
}

export interface FakeFetch {
  fetch: typeof fetch;
  /** "<cache mode> <url>" of every request, in order. */
  log: string[];
  /** Serves `model` at `url` (its model.json) and its weights beside it. */
  serve(url: string, model: Served): void;
  /** Serves `body` at `url`. */
  put(url: string, body: BodyInit, status?: number): void;
}

export function fakeFetch(): FakeFetch {
  const files = new Map<string, { body: BodyInit; status: number }>();
  const log: string[] = [];
  const put = (url: string, body: BodyInit, status = 200) => void files.set(url, { body, status });
  return {
    log,
    put,
    serve(url, model) {
      put(url, JSON.stringify(model.json));
      put(new URL(model.json.weightsManifest[0].paths[0], url).href, model.bin.slice());
    },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      log.push(`${init?.cache ?? 'default'} ${url}`);
      const file = files.get(url);
      return file ? new Response(file.body, { status: file.status }) : new Response('not found', { status: 404 });
    }) as typeof fetch,
  };
}
