// An init script that runs before any page script and records what a host page could observe of
// the widget: the globals it adds, CSP violations, layout shifts, and long animation frames with
// the scripts that ran in them. It keeps its data under a Symbol.for key, which
// Object.getOwnPropertyNames/Object.keys do not list, so it adds no global of its own.
import type { Page } from '@playwright/test';

export interface Shift {
  value: number;
  hadRecentInput: boolean;
  /** Whether a source node is the slot, inside it, or inside its shadow root. */
  fromSlot: boolean;
  sources: string[];
}

interface FrameScript {
  /** performance.now() time the script started. */
  start: number;
  url: string;
  invoker: string;
  ms: number;
  forcedLayoutMs: number;
}

interface Frame {
  ms: number;
  blockingMs: number;
  scripts: FrameScript[];
}

export interface ProbeData {
  initialGlobals: string[];
  violations: string[];
  shifts: Shift[];
  frames: Frame[];
  longTasks: number[];
}

const KEY = 'shelfwise-e2e-probe';

export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript((key) => {
    const data: ProbeData = { initialGlobals: Object.getOwnPropertyNames(window), violations: [], shifts: [], frames: [], longTasks: [] };
    (window as unknown as Record<symbol, ProbeData>)[Symbol.for(key)] = data;
    document.addEventListener('securitypolicyviolation', (e) => data.violations.push(`${e.effectiveDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
    const describe = (n: Node | null) => (n instanceof Element ? `${n.localName}${n.className ? '.' + String(n.className).replace(/ /g, '.') : ''}` : String(n?.nodeName));
    const inSlot = (n: Node | null) => {
      const root = n?.getRootNode();
      const host = root instanceof ShadowRoot ? root.host : n;
      return host instanceof Element && !!host.closest('[data-shelfwise-slot]');
    };
    const observe = (type: string, fn: (e: PerformanceEntry) => void) => {
      try {
        new PerformanceObserver((list) => list.getEntries().forEach(fn)).observe({ type, buffered: true });
      } catch {
        // Entry type not supported by this browser: its list stays empty.
      }
    };
    type LayoutShift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources: { node: Node | null }[] };
    observe('layout-shift', (e) => {
      const s = e as LayoutShift;
      data.shifts.push({ value: s.value, hadRecentInput: s.hadRecentInput, fromSlot: s.sources.some((x) => inSlot(x.node)), sources: s.sources.map((x) => describe(x.node)) });
    });
    type Loaf = PerformanceEntry & { blockingDuration: number; scripts: (PerformanceEntry & { sourceURL: string; invoker: string; forcedStyleAndLayoutDuration: number })[] };
    observe('long-animation-frame', (e) => {
      const f = e as Loaf;
      data.frames.push({
        ms: f.duration,
        blockingMs: f.blockingDuration,
        scripts: f.scripts.map((s) => ({ start: s.startTime, url: s.sourceURL, invoker: s.invoker, ms: s.duration, forcedLayoutMs: s.forcedStyleAndLayoutDuration })),
      });
    });
    observe('longtask', (e) => data.longTasks.push(e.duration));
  }, KEY);
}

export function readProbe(page: Page): Promise<ProbeData> {
  return page.evaluate((key) => (window as unknown as Record<symbol, ProbeData>)[Symbol.for(key)], KEY);
}

/** Globals the page has now that it did not have before its first script ran. */
export function newGlobals(page: Page): Promise<string[]> {
  return page.evaluate((key) => {
    const initial = new Set((window as unknown as Record<symbol, ProbeData>)[Symbol.for(key)].initialGlobals);
    return Object.getOwnPropertyNames(window).filter((name) => !initial.has(name));
  }, KEY);
}

/** Whether a script URL is the widget's: its loader or one of its chunks. */
export function isWidgetScript(url: string): boolean {
  return /\/(shelfwise\.js|sw-[\w-]+\.js)$/.test(url ? new URL(url).pathname : '');
}
