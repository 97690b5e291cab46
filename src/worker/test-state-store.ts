// The store's `state` area in memory, for tests of worker code in Node (which has no IndexedDB).
// Same contract as the IndexedDB store: values are structured-cloned on the way in and out, and
// `undefined` deletes a key.
import type { StateStore } from './personal';

export function memoryStateStore(): StateStore & { keys(): string[] } {
  const values = new Map<string, unknown>();
  return {
    async getState<T>(key: string) {
      return values.has(key) ? (structuredClone(values.get(key)) as T) : undefined;
    },
    async setState(key, value) {
      if (value === undefined) values.delete(key);
      else values.set(key, structuredClone(value));
    },
    keys: () => [...values.keys()],
  };
}
