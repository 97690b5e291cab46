// Runs in a dedicated Worker under the browser tests: the device's whole report, and an
// aggregator's noise, exactly as the widget's worker will run them.
import { DiscreteGaussian, noiseSigma, squared } from './discrete-gaussian';
import type { HpkeConfig } from './hpke';
import { buildReport, encodeReport } from './report';
import type { Width } from './ring';

export interface WorkerRequest {
  update: Int16Array;
  width: Width;
  helperConfig: HpkeConfig;
}

export interface WorkerReply {
  /** Set instead of the rest when the worker failed. */
  error?: string;
  wire: Uint8Array;
  /** The first report (cold: compilation, key setup) and the median of the next five. */
  firstMs: number;
  reportMs: number;
  noiseMs: number;
  noise: Int32Array;
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  try {
    const { update, width, helperConfig } = e.data;
    const times: number[] = [];
    let wire: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      wire = encodeReport(await buildReport({ update, round: 5, modelVersion: 'demo-0123456789ab', width, helperConfig }));
      times.push(performance.now() - t);
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    const t1 = performance.now();
    const noise = new DiscreteGaussian(squared(noiseSigma(1))).fill(new Int32Array(update.length));
    const reply: WorkerReply = { wire, firstMs: times[0], reportMs: warm[2], noiseMs: performance.now() - t1, noise };
    self.postMessage(reply);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
