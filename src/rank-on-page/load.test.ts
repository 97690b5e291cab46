import { beforeAll, describe, expect, test, vi } from 'vitest';
import { decodeWeights } from '../model/plain/artifact';
import { createRanker } from '../model/plain/rank/ranker';
import { HISTORY, ITEMS } from '../model/testing/fixture';
import { MODEL_KEY } from '../shared/storage-keys';
import { fetchWeights, loadModel } from './load';
import { readPointer, weightsUrl, writePointer } from './pointer';
import { fakeFetch, servedModel, type Served } from './test-model';
import { memoryStore } from './test-store';

const URL_ = 'https://cdn.example/sw/model/model.json';
let model: Served;
beforeAll(async () => {
  model = await servedModel();
});

describe('loadModel', () => {
  test('from a stored model.json: no request but the weights, taken from the cache', async () => {
    const net = fakeFetch();
    net.serve(URL_, model);
    const nextTask = vi.fn(async () => {});
    const loaded = await loadModel(URL_, model.json, { fetch: net.fetch, nextTask });
    expect(net.log).toEqual([`force-cache ${weightsUrl({ url: URL_, json: model.json })}`]);
    expect(loaded).toMatchObject({ version: model.json.version, url: URL_, json: model.json });
    // The same scores as a ranker built from the whole file at once.
    const reference = createRanker(model.json.config, decodeWeights(model.json.weightsManifest[0].weights, model.bin.slice().buffer));
    expect(Array.from(loaded.ranker.score(HISTORY, ITEMS))).toEqual(Array.from(reference.score(HISTORY, ITEMS)));
    // Fetched, decoded, built and warmed in separate tasks.
    expect(nextTask.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  test('without one, model.json is fetched first', async () => {
    const net = fakeFetch();
    net.serve(URL_, model);
    const loaded = await loadModel(URL_, undefined, { fetch: net.fetch, nextTask: async () => {} });
    expect(net.log).toEqual([`default ${URL_}`, `force-cache ${weightsUrl({ url: URL_, json: model.json })}`]);
    expect(loaded.version).toBe(model.json.version);
  });

  test('says which file failed', async () => {
    const net = fakeFetch();
    await expect(loadModel(URL_, undefined, { fetch: net.fetch, nextTask: async () => {} })).rejects.toThrow(`model: ${URL_} answered 404`);
    await expect(loadModel(URL_, model.json, { fetch: net.fetch, nextTask: async () => {} })).rejects.toThrow(/weights-[0-9a-f]{16}\.bin answered 404/);
    net.put(URL_, '{"format": "something else"}');
    await expect(loadModel(URL_, undefined, { fetch: net.fetch, nextTask: async () => {} })).rejects.toThrow('model.json: not a shelfwise-model file');
  });
});

describe('fetchWeights', () => {
  test('a cached copy that does not match is fetched again, revalidated; a second mismatch fails', async () => {
    const file = weightsUrl({ url: URL_, json: model.json });
    const stale = fakeFetch();
    let calls = 0;
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls++;
      return calls === 1 ? new Response(new Uint8Array(model.bin.length)) : stale.fetch(input, init);
    }) as typeof fetch;
    stale.serve(URL_, model);
    const bytes = await fetchWeights(URL_, model.json, fetcher);
    expect(new Uint8Array(bytes)).toEqual(model.bin);
    expect(stale.log).toEqual([`no-cache ${file}`]);

    const wrong = fakeFetch();
    wrong.put(file, new Uint8Array(model.bin.length));
    await expect(fetchWeights(URL_, model.json, wrong.fetch)).rejects.toThrow(/weights hash [0-9a-f]{12}… does not match model.json/);
    expect(wrong.log.map((l) => l.split(' ')[0])).toEqual(['force-cache', 'no-cache']);
  });
});

describe('model pointer', () => {
  test("is read back for its own source only, and a damaged one is not used", async () => {
    const store = memoryStore();
    expect(await readPointer(store, 'https://shop.example/api/fl')).toBeUndefined();
    await writePointer(store, { source: 'https://shop.example/api/fl', url: URL_, json: model.json });
    expect(await readPointer(store, 'https://shop.example/api/fl')).toEqual({ source: 'https://shop.example/api/fl', url: URL_, json: model.json });
    expect(await readPointer(store, URL_)).toBeUndefined();
    await store.setState(MODEL_KEY, { source: URL_, url: URL_, json: { ...model.json, weightsSha256: 'nope' } });
    expect(await readPointer(store, URL_)).toBeUndefined();
  });

  test("names the weights beside its model.json", () => {
    expect(weightsUrl({ url: 'https://shop.example/api/fl/models/fl-r3-ab/model.json', json: { ...model.json, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] } })).toBe(
      'https://shop.example/api/fl/models/fl-r3-ab/weights.bin',
    );
  });
});
