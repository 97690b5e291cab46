import { describe, expect, it } from 'vitest';
import { openStore } from './store';
import { uniqueDbName } from './test-utils';

const FLOAT32_MAX = 3.4028234663852886e38;

describe('store: state', () => {
  it('round-trips plain values, typed arrays and ArrayBuffers', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    // Float32 edge values: the largest finite one, the smallest subnormal, -0, ±Infinity and NaN.
    const weights = Float32Array.from([0.5, -1.25, 3e-8, FLOAT32_MAX, -FLOAT32_MAX, 2 ** -149, -0, Infinity, -Infinity, NaN]);
    expect(weights[3]).toBe(FLOAT32_MAX); // finite: the values survive their own conversion
    const buffer = new Uint8Array([1, 2, 3, 255]).buffer;
    await store.setState('weights', weights);
    await store.setState('buffer', buffer);
    await store.setState('model', { version: 3, shape: [2, 2], params: new Float32Array([1, 2, 3, 4]) });
    await store.setState('label', 'hello');

    const w = await store.getState<Float32Array>('weights');
    expect(w).toBeInstanceOf(Float32Array);
    expect(w).not.toBe(weights);
    expect(Array.from(w!)).toEqual(Array.from(weights));
    expect(Object.is(w![6], -0)).toBe(true);
    expect(new Uint8Array(w!.buffer)).toEqual(new Uint8Array(weights.buffer)); // bit for bit

    const b = await store.getState<ArrayBuffer>('buffer');
    expect(b).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(b!))).toEqual([1, 2, 3, 255]);

    const m = await store.getState<{ version: number; shape: number[]; params: Float32Array }>('model');
    expect(m?.version).toBe(3);
    expect(m?.shape).toEqual([2, 2]);
    expect(m?.params).toBeInstanceOf(Float32Array);
    expect(Array.from(m!.params)).toEqual([1, 2, 3, 4]);

    expect(await store.getState('label')).toBe('hello');
    expect(await store.getState('missing')).toBeUndefined();
    store.close();
  });

  it('overwrites, and deletes on undefined', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    await store.setState('k', 1);
    await store.setState('k', 2);
    expect(await store.getState('k')).toBe(2);
    await store.setState('k', undefined);
    expect(await store.getState('k')).toBeUndefined();
    store.close();
  });

  it('rejects values that cannot be stored, and keeps working', async () => {
    const store = await openStore({ dbName: uniqueDbName() });
    await store.setState('k', 'kept');
    await expect(store.setState('k', { fn: () => 1 })).rejects.toMatchObject({ name: 'DataCloneError' });
    expect(await store.getState('k')).toBe('kept');
    store.close();
  });
});
