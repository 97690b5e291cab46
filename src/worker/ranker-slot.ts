// The worker's current ranker, and its replacement when a newer model is published. A ranker holds
// the model's weights as tensors (on a GPU backend, GPU memory): a replaced one is disposed, but
// only once the calls already running on it (a ranking, an adaptation, a local update) have ended.
import type { Ranker } from './ranker';

export interface RankerSlot {
  /** Runs `fn` on the current ranker, loading it first if there is none; the ranker stays alive
   *  until `fn` has settled. */
  use<T>(fn: (ranker: Ranker) => T | Promise<T>): Promise<T>;
  /** A newer model is out: the next call loads it, and the current ranker goes when its calls end. */
  replace(): void;
}

interface Lease {
  ranker: Promise<Ranker>;
  users: number;
  replaced: boolean;
}

export function rankerSlot(load: () => Promise<Ranker>): RankerSlot {
  let current: Lease | undefined;
  const disposeIfDone = (lease: Lease) => {
    if (lease.replaced && lease.users === 0) lease.ranker.then((r) => r.dispose(), () => {});
  };
  return {
    async use(fn) {
      const lease = (current ??= { ranker: load(), users: 0, replaced: false });
      lease.users++;
      try {
        return await fn(await lease.ranker);
      } finally {
        lease.users--;
        disposeIfDone(lease);
      }
    },
    replace() {
      const lease = current;
      current = undefined;
      if (!lease) return;
      lease.replaced = true;
      disposeIfDone(lease);
    },
  };
}
