// The script-tag entry: the one place that touches the page (window.shelfwise, dataLayer, DOM)
// and wires capture, store, model worker and UI together. It stays a few KB; the store, the UI
// and the worker (TF.js and the model) are loaded only when needed.
import { consentFromDataLayer, eventsFromDataLayer, eventsFromTrackCommand, hookDataLayer } from '../capture';
import { parseItem } from '../capture/item';
import { EVENT_TYPES } from '../model/plain/features';
import type { Candidate, ConsentState, EventName, StoredEvent } from '../shared/types';
import type { Store } from '../store';
import type { DebugInfo } from '../worker/protocol';
import { chunkUrl, load } from './chunks';
import { readConfig } from './config';
import { readChoice, resolveConsent, saveChoice } from './consent';
import { clearOutbox, notStored, stash, takeOutbox } from './outbox';
import { createRecorder } from './recorder';
import { runSlot, type SlotHandle, type SlotStatus, type UiModule } from './slot';
import { startWorker, type WorkerClient } from './worker-client';

type StoreModule = typeof import('../store');

const DB_NAME = 'shelfwise';
const INTEREST = Object.keys(EVENT_TYPES) as EventName[];

export interface DebugReport extends DebugInfo {
  consent: ConsentState;
  slots: SlotStatus[];
  warnings: string[];
}

function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function idle(fn: () => void): void {
  if ('requestIdleCallback' in window) requestIdleCallback(fn, { timeout: 5000 });
  else setTimeout(fn, 200);
}

function main(script: HTMLScriptElement | null): void {
  const cfg = readConfig(script?.dataset ?? {}, script?.src ?? '', location.href);
  const w = window as unknown as { shelfwise?: unknown; dataLayer?: unknown };
  const queued = Array.isArray(w.shelfwise) ? (w.shelfwise as unknown[]) : [];
  const gpc = (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  let consent = resolveConsent(cfg.consentMode, gpc, readChoice(localStore()));
  let store: Promise<Store> | null = null;
  let worker: WorkerClient | null = null;
  const slots: SlotHandle[] = [];
  const statuses: SlotStatus[] = [];
  const seenSlots = new WeakSet<Element>();
  const warnings: string[] = [];

  const warn = (err: unknown) => {
    warnings.push(err instanceof Error ? err.message : String(err));
    if (warnings.length > 20) warnings.shift();
  };
  const granted = () => consent === 'granted';
  const getStore = () => (store ??= load<StoreModule>(chunkUrl(cfg.base, 'store')).then((m) => m.openStore({ dbName: DB_NAME })));
  const getWorker = () => {
    if (!worker) {
      worker = startWorker(chunkUrl(cfg.base, 'worker'));
      worker.call('init', { modelUrl: cfg.modelUrl, syncUrl: cfg.sync, backends: cfg.backends, dbName: DB_NAME }).catch(warn);
    }
    return worker;
  };

  const recorder = createRecorder(async (events) => {
    if (!granted()) return;
    const result = await (await getStore()).add(events);
    if (result.error) warn(result.error);
    // Warm the model in the background so the next page can personalize at once.
    if (events.some((e) => INTEREST.includes(e.type))) idle(() => granted() && getWorker());
  });
  const record = (events: StoredEvent[]) => void (granted() && recorder.record(events));

  const widgetEvent = (type: 'shelfwise_impression' | 'shelfwise_click', slot: string, item: Candidate): StoredEvent[] => {
    const fields = parseItem(item);
    return fields ? [{ ...fields, type, slot, ts: Date.now(), source: 'widget' }] : [];
  };

  async function forgetEverything(): Promise<void> {
    recorder.drop();
    clearOutbox(sessionStore());
    worker?.terminate();
    worker = null;
    const open = store;
    store = null;
    if (open) (await open.catch(() => null))?.close();
    await new Promise<void>((resolve) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = () => resolve();
    });
  }

  function setConsent(next: 'granted' | 'denied'): void {
    saveChoice(localStore(), next);
    if (next === 'denied') {
      consent = 'denied';
      forgetEverything()
        .then(() => Promise.all(slots.map((s) => s.unpersonalize())))
        .catch(warn);
    } else if (!gpc) consent = 'granted';
  }

  function command(cmd: unknown): void {
    if (!Array.isArray(cmd)) return warn(`shelfwise.push: expected an array, got ${typeof cmd}`);
    if (cmd[0] === 'track') record(eventsFromTrackCommand(cmd));
    else if (cmd[0] === 'consent' && (cmd[1] === 'granted' || cmd[1] === 'denied')) setConsent(cmd[1]);
    else if (cmd[0] === 'render') scan();
    else warn(`shelfwise.push: unknown command ${JSON.stringify(cmd[0])}`);
  }

  let consentUpdated = false;
  function onDataLayer(entry: unknown): void {
    const signal = consentFromDataLayer(entry);
    if (!signal) return record(eventsFromDataLayer(entry));
    // gtag: an 'update' outranks any 'default' that comes after it.
    if (signal.command === 'default' && consentUpdated) return;
    if (signal.command === 'update') consentUpdated = true;
    if (signal.state === 'denied') setConsent('denied');
    else if (consent === 'pending') setConsent('granted');
  }

  const personalize = async () =>
    granted() && (await (await getStore()).count({ types: INTEREST })) > 0 && (getWorker(), granted());

  // Once a page has shown its shelves, a device with a running model may take part in the open
  // federated round (the worker decides whether it is eligible).
  let contributed = false;
  const contributeWhenIdle = () =>
    !contributed && cfg.sync && worker && (contributed = true) && idle(() => granted() && worker?.call('contribute').catch(warn));

  function scan(): void {
    document.querySelectorAll<HTMLElement>('[data-shelfwise-slot]').forEach((el) => {
      if (seenSlots.has(el)) return;
      seenSlots.add(el);
      const handle = runSlot(el, {
        endpoint: cfg.candidates,
        limit: cfg.candidateLimit,
        budgetMs: cfg.rankBudgetMs,
        personalize,
        rank: (key, candidates) =>
          getWorker()
            .call('rank', key, candidates.map((c) => parseItem(c)!))
            .then((r) => r.scores),
        cached: async (key) => (await (await getStore()).getState<{ scores: Record<string, number> }>(`scores:${key}`))?.scores,
        ui: () => load<UiModule>(chunkUrl(cfg.base, 'ui')),
        onImpression: (slot, item) => record(widgetEvent('shelfwise_impression', slot, item)),
        onSelect: (slot, item) => (record(widgetEvent('shelfwise_click', slot, item)), void recorder.flush()),
        warn,
      });
      slots.push(handle);
      handle.done.then((s) => statuses.push(s), warn).then(contributeWhenIdle);
    });
  }

  w.shelfwise = {
    push(...cmds: unknown[]): number {
      cmds.forEach((c) => {
        try {
          command(c);
        } catch (err) {
          warn(err);
        }
      });
      return 0;
    },
    async debug(): Promise<DebugReport> {
      const info = granted() ? await getWorker().call('debug').catch((e) => (warn(e), null)) : null;
      return {
        backend: 'none',
        modelVersion: null,
        events: 0,
        timings: {},
        federated: { lastRound: null, outcome: null },
        ...info,
        consent,
        slots: statuses.slice(),
        warnings: warnings.slice(),
      };
    },
  };
  (w.shelfwise as { push(...c: unknown[]): number }).push(...queued);
  if (consent === 'denied') forgetEverything().catch(warn);

  // What the previous page of this tab captured but could not write before it was left.
  const carried = takeOutbox(sessionStore());
  if (carried.length && granted()) {
    const since = Math.min(...carried.map((e) => e.ts));
    getStore()
      .then((s) => s.recent({ since }))
      .then((stored) => record(notStored(carried, stored)), warn);
  }
  addEventListener('pagehide', () => granted() && stash(sessionStore(), recorder.unsaved()));

  const hook = () => Array.isArray(w.dataLayer) && (hookDataLayer(w.dataLayer, onDataLayer, warn), true);
  if (!hook()) document.addEventListener('DOMContentLoaded', hook, { once: true });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan, { once: true });
  else scan();
}

try {
  main(document.currentScript as HTMLScriptElement | null);
} catch (err) {
  // The host page must never see our failures.
  try {
    console.warn('[shelfwise]', err);
  } catch {}
}
