import { beforeAll, describe, expect, test, vi } from 'vitest';
import { newerModel, type UpdateDeps } from './model-update';
import { readPointer, weightsUrl } from './pointer';
import { fakeFetch, servedModel, type Served } from './test-model';
import { memoryStore } from './test-store';

const SYNC = 'https://shop.example/api/fl';
const SHIPPED = 'https://cdn.example/sw/model/model.json';
const PUBLISHED = `${SYNC}/models/fl-r2/model.json`;
let shipped: Served;
let published: Served;
beforeAll(async () => {
  [shipped, published] = await Promise.all([servedModel(3), servedModel(4)]);
});

function setup(opts: { sync: boolean; current: string | null }) {
  const net = fakeFetch();
  net.serve(SHIPPED, shipped);
  net.serve(PUBLISHED, published);
  const store = memoryStore();
  const deps = {
    source: opts.sync ? SYNC : SHIPPED,
    sync: opts.sync ? SYNC : null,
    shipped: SHIPPED,
    current: opts.current,
    store,
    fetch: net.fetch,
    modelInfo: vi.fn(async () => ({ version: published.json.version, sha256: published.json.weightsSha256, url: PUBLISHED, round: 2 })),
  } satisfies UpdateDeps;
  return { deps, net, store };
}

describe('newerModel', () => {
  test('with federated learning: the newest published version, weights verified before the pointer moves', async () => {
    const s = setup({ sync: true, current: shipped.json.version });
    const pointer = await newerModel(s.deps);
    expect(pointer).toEqual({ source: SYNC, url: PUBLISHED, json: published.json, weights: published.bin.slice().buffer });
    expect(s.deps.modelInfo).toHaveBeenCalledWith(SYNC);
    expect(s.net.log).toEqual([`default ${PUBLISHED}`, `force-cache ${weightsUrl(pointer!)}`]);
    expect(await readPointer(s.store, SYNC)).toEqual(pointer);
  });

  test('nothing is fetched, and nothing moves, when the page already runs the newest', async () => {
    const s = setup({ sync: true, current: published.json.version });
    expect(await newerModel(s.deps)).toBeNull();
    expect(s.net.log).toEqual([]);
    expect(s.store.state.size).toBe(0);
  });

  test("without it: the site's shipped model.json, revalidated, is the newest", async () => {
    const same = setup({ sync: false, current: shipped.json.version });
    expect(await newerModel(same.deps)).toBeNull();
    expect(same.net.log).toEqual([`default ${SHIPPED}`]);

    const redeployed = setup({ sync: false, current: 'an older deployment' });
    expect(await newerModel(redeployed.deps)).toEqual({ source: SHIPPED, url: SHIPPED, json: shipped.json, weights: shipped.bin.slice().buffer });
    expect(redeployed.net.log).toEqual([`default ${SHIPPED}`, `force-cache ${weightsUrl({ url: SHIPPED, json: shipped.json })}`]);
    expect(redeployed.deps.modelInfo).not.toHaveBeenCalled();
  });

  test('weights that fail their hash leave the pointer where it was', async () => {
    const s = setup({ sync: true, current: null });
    s.net.put(weightsUrl({ url: PUBLISHED, json: published.json }), new Uint8Array(published.bin.length));
    await expect(newerModel(s.deps)).rejects.toThrow(/does not match model.json/);
    expect(s.store.state.size).toBe(0);
  });
});
