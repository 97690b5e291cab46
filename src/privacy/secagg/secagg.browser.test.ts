// The secure-aggregation primitives in real Chromium, inside a dedicated Worker as the widget runs
// them: a Beauty-size report built there opens and sums to the update on this side, and the
// sampler's noise comes out with the right spread. Times are printed for the record.
import { expect, test } from 'vitest';
import { MAX_CODE } from '../fixed-point';
import { generateKeyPair } from './hpke';
import { helperShare, parseReport } from './report';
import { addBytesInto, toSigned } from './ring';
import type { WorkerReply, WorkerRequest } from './test-worker';

function inWorker(request: WorkerRequest): Promise<WorkerReply> {
  const worker = new Worker(new URL('./test-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<WorkerReply>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<WorkerReply>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`the worker failed to run: ${e.message ?? 'no message'}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

test('a report built in a Worker opens, and its shares sum to the update (d = 84,608, 32 bits)', async () => {
  const keys = await generateKeyPair(2);
  const d = 84_608;
  // Every coordinate within ±112: an L2 norm under 32767 (112 × √84,608 ≈ 32,578), as clipped.
  const update = Int16Array.from({ length: d }, (_, i) => ((i * 7919) % 225) - 112);
  const reply = await inWorker({ update, width: 32, helperConfig: keys.config });
  expect(reply.error).toBeUndefined();
  const report = parseReport(reply.wire, { round: 5, modelVersion: 'demo-0123456789ab', length: d, width: 32, keyIds: [2] });
  const sum = await helperShare([keys], report);
  addBytesInto(sum, report.leaderShare, 32);
  const decoded = toSigned(sum, 32);
  let wrong = 0;
  for (let i = 0; i < d; i++) if (decoded[i] !== update[i]) wrong++;
  expect(wrong).toBe(0);
  let squares = 0;
  for (const n of reply.noise) squares += n * n;
  expect(Math.sqrt(squares / d) / MAX_CODE).toBeGreaterThan(0.98);
  expect(Math.sqrt(squares / d) / MAX_CODE).toBeLessThan(1.02);
  console.log(`worker: first report ${reply.firstMs.toFixed(1)} ms, then ${reply.reportMs.toFixed(1)} ms (median); noise for ${d} values ${reply.noiseMs.toFixed(0)} ms`);
});
