// The ranking benchmark's Chromium half (npm run bench:rank), bundled by tools/bench-rank.ts and
// driven through Playwright: the TF.js-free ranker against TF.js on WebGPU, WebGL and CPU, and the
// ranker's cost on the main thread of a freshly loaded page (every call its own task, as shelves
// are ranked).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { fetchArtifact } from '../plain/artifact';
import { createRanker } from '../plain/rank/ranker';
import { BEAUTY_CONFIG } from './rank-cases';
import { benchCases, initialArrays, plainRows, relativeGap, timeTfjs, type BenchModel, type MainThreadProbe, type BenchRow } from '../../../tools/lib/bench-rank-work';
import { summarizeTimes, type TimingOptions } from '../../../tools/lib/bench-timing';

async function benchModel(name: string): Promise<BenchModel> {
  if (name === 'demo') {
    const demo = await fetchArtifact(new URL('/models/demo/model.json', location.href));
    return { name, cfg: demo.json.config, arrays: demo.weights };
  }
  await tf.setBackend('cpu');
  return { name, cfg: BEAUTY_CONFIG, arrays: await initialArrays(BEAUTY_CONFIG) };
}

async function compare(names: string[], backends: string[], candidates: number, plainOpts: TimingOptions, tfOpts: TimingOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of names) {
    const m = await benchModel(name);
    const cases = benchCases(m.cfg, candidates);
    rows.push(...(await plainRows(m, cases, plainOpts)));
    for (const backend of backends) {
      const ok = await tf.setBackend(backend).catch(() => false);
      if (!ok) {
        rows.push({ model: name, path: `tfjs-${backend}`, error: 'backend not available' });
        continue;
      }
      rows.push({ model: name, path: `tfjs-${backend}`, timing: await timeTfjs(m, cases, tfOpts), gap: await relativeGap(m, cases) });
    }
  }
  return rows;
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));

/** Meant as the first thing a fresh page runs, so the ranker's code has never run before; with
 *  `warm`, ranker.warm() runs in a task of its own first, as it would in idle time. */
async function mainThread(name: string, candidates: number, calls: number, warm: boolean): Promise<MainThreadProbe> {
  const m = await benchModel(name);
  const cases = benchCases(m.cfg, candidates);
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  await nextTask();
  let t = performance.now();
  const ranker = createRanker(m.cfg, m.arrays);
  const buildMs = performance.now() - t;
  let warmMs: number | undefined;
  if (warm) {
    await nextTask();
    t = performance.now();
    ranker.warm();
    warmMs = performance.now() - t;
  }
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    await nextTask();
    const c = cases[i % cases.length];
    t = performance.now();
    ranker.score(c.history, c.candidates);
    times.push(performance.now() - t);
  }
  await nextTask();
  observer.disconnect();
  return { model: name, candidates, buildMs, warmMs, firstCalls: times.slice(0, 5), calls: summarizeTimes(times[0], times), longTasks };
}

async function adapter(): Promise<Record<string, unknown> | null> {
  const a = await navigator.gpu?.requestAdapter();
  if (!a) return null;
  const { vendor, architecture, description } = a.info;
  return { vendor, architecture, description, isFallbackAdapter: (a.info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? null };
}

(globalThis as Record<string, unknown>).shelfwiseBench = { compare, mainThread, adapter, crossOriginIsolated: () => crossOriginIsolated };
