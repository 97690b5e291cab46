// Runs in a dedicated Worker under the browser tests: the device's whole two-aggregator upload for
// one update (federate.ts reportFor: clip, encode, split, seal, serialize), as the widget's worker
// runs it, timed.
import type { RoundInfo } from '../sync/wire';
import { reportFor, warmUp } from './federate';

export interface CostRequest {
  round: RoundInfo;
  delta: Float32Array;
  runs: number;
}

export interface CostReply {
  error?: string;
  body: Uint8Array;
  /** federate.ts warmUp: the report's chunk loaded, the X25519 check and the key import done —
   *  on a device, while the model trains. */
  warmUpMs: number;
  /** Every run in order; the first is the page's one upload (its loops not yet compiled). */
  ms: number[];
}

self.onmessage = async (e: MessageEvent<CostRequest>) => {
  try {
    const { round, delta, runs } = e.data;
    const t0 = performance.now();
    await warmUp(round);
    const warmUpMs = performance.now() - t0;
    const ms: number[] = [];
    let body: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      body = (await reportFor(round, delta.slice())).body;
      ms.push(performance.now() - t);
    }
    self.postMessage({ body, warmUpMs, ms } satisfies CostReply);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
