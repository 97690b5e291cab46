// How long the widget holds the page's main thread, task by task.
//
// Chromium's 'longtask' entries cannot say whose work a task was (their attribution is always
// the window, "unknown"). Long Animation Frames can: a frame over 50 ms lists every script over
// 5 ms that ran in it, with its URL and invoker (e.g. the loader's `import.then` that renders the
// shelf). But their durations are wall-clock time, and on a 2-core test machine the model worker
// and SwiftShader (WebGPU/WebGL emulated on the CPU) take the cores from the main thread: a
// 20 ms render reads 60-150 ms. So the browser is traced as well, and each widget script is
// matched to the main-thread task that ran it; that task's thread CPU time (trace `tdur`) is what
// the widget cost the page, whatever else the machine was doing. (Measured here: the shelf's
// first render is 15-40 ms of CPU that reads 35-200 ms of wall-clock time.) A widget task with over 50 ms of
// CPU necessarily spans a frame over 50 ms, so Long Animation Frames cannot miss it.
//
// Not counted: style, layout and paint the browser does in its own rendering step after the
// widget's scripts (not attributed to any script), and the task's share of page work that ran in
// the same task (counted against the widget: the bound is conservative).
import type { Browser, Page } from '@playwright/test';
import { isWidgetScript, readProbe } from './probe';

export interface WidgetTask {
  script: string;
  invoker: string;
  /** The trace event of the enclosing task. */
  task: string;
  /** Wall-clock time of the widget's script, as Long Animation Frames report it. */
  scriptWallMs: number;
  /** The enclosing main-thread task: wall-clock and thread CPU time (NaN: not found in the trace). */
  taskWallMs: number;
  taskCpuMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

// Just the scheduler's task spans and user-timing marks: the detailed devtools categories would
// add their own instrumentation to the very CPU time being measured.
const CATEGORIES = ['toplevel', 'blink.user_timing'];
const SYNC_MARK = 'shelfwise-e2e-sync';

/** Runs `visit` (which loads a page into `page`, set up with installProbe) under a trace; returns the widget's tasks. */
export async function traceWidgetTasks(browser: Browser, page: Page, visit: () => Promise<void>): Promise<WidgetTask[]> {
  return (await traceWidget(browser, page, visit)).tasks;
}

export interface WidgetTrace {
  tasks: WidgetTask[];
  /** CPU time (ms) the page's main thread spent in tasks between two performance.now() times
   *  (a task that straddles either end counts in proportion). */
  mainThreadCpu(from: number, to: number): number;
}

/** traceWidgetTasks, and the main thread's CPU time over any span of the visit. */
export async function traceWidget(browser: Browser, page: Page, visit: () => Promise<void>): Promise<WidgetTrace> {
  await browser.startTracing(page, { categories: CATEGORIES });
  let markTime = NaN;
  let events: TraceEvent[];
  try {
    await visit();
    // A user-timing mark is in both clocks: performance.now() here, trace time in the trace.
    markTime = await page.evaluate((name) => performance.mark(name).startTime, SYNC_MARK);
  } finally {
    events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  }
  const mark = events.find((e) => e.name === SYNC_MARK);
  if (!mark) throw new Error('trace: sync mark not found');
  const toTrace = (ms: number) => mark.ts + (ms - markTime) * 1000;
  // Complete events on the page's main thread; the outermost one around a moment is the task then
  // running, or the microtask checkpoint that ends a task (where promise continuations run).
  const spans = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.dur !== undefined && e.tdur !== undefined);

  // The outermost spans: a task, not the work nested in it.
  const outer: TraceEvent[] = [];
  for (const e of spans.slice().sort((a, b) => a.ts - b.ts)) {
    const last = outer[outer.length - 1];
    if (!last || e.ts >= last.ts + last.dur!) outer.push(e);
  }
  const mainThreadCpu = (from: number, to: number) => {
    const [a, b] = [toTrace(from), toTrace(to)];
    let us = 0;
    for (const t of outer) {
      const overlap = Math.min(b, t.ts + t.dur!) - Math.max(a, t.ts);
      if (overlap > 0 && t.dur! > 0) us += (t.tdur! * overlap) / t.dur!;
    }
    return us / 1000;
  };

  const out: WidgetTask[] = [];
  for (const frame of (await readProbe(page)).frames) {
    for (const s of frame.scripts.filter((x) => isWidgetScript(x.url))) {
      // The script's midpoint: clock rounding (performance.now() is coarsened to 0.1 ms) cannot
      // push it into a neighbouring task.
      const at = toTrace(s.start + s.ms / 2);
      const task = spans.filter((t) => t.ts <= at && at <= t.ts + t.dur!).sort((a, b) => b.dur! - a.dur!)[0];
      out.push({
        script: new URL(s.url).pathname,
        invoker: s.invoker,
        task: task?.name ?? '(none)',
        scriptWallMs: Math.round(s.ms),
        taskWallMs: task ? Math.round(task.dur! / 100) / 10 : NaN,
        taskCpuMs: task?.tdur !== undefined ? Math.round(task.tdur / 100) / 10 : NaN,
      });
    }
  }
  return { tasks: out, mainThreadCpu };
}
