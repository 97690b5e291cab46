// A model served the way a site serves it (model.json and its weights file), with a fetch that
// records what was asked of it, for tests of loading in Node.
import type { ModelJson, Quantization } from '../model/plain/artifact';
import { fixtureFiles } from '../model/testing/fixture-weights';

export interface Served {
  json: ModelJson;
  bin: Uint8Array;
}

export function servedModel(seed = 3, quantization: Quantization = 'uint8'): Promise<Served> {
  return fixtureFiles(seed, quantization, (hash) => `weights-${hash.slice(0, 16)}.bin`);
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
