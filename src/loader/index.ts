// The script-tag entry: the one place that touches the page (window.shelfwise, the dataLayer,
// the DOM, web storage, page events). It only wires the parts together; each part gets what it
// needs as arguments. It stays a few KB: the store, the UI and the worker (TF.js and the model)
// are loaded only when needed.
import { hookDataLayer } from '../capture';
import { DB_NAME } from '../shared/storage-keys';
import { carryOver, stashOnLeave } from './carry-over';
import { chunkUrl, load } from './chunks';
import { createApi, dataLayerHandler } from './commands';
import { readConfig } from './config';
import { createConsent } from './consent';
import { contributeOnce } from './contribute';
import { createLazy, deleteDatabase } from './lazy';
import { clearOutbox } from './outbox';
import { createRecording } from './recording';
import { runSlot, type UiModule } from './slot';
import { slotDeps } from './slot-deps';
import { createSlots } from './slots';
import { createWarnings } from './warnings';
import { startWorker } from './worker-client';

type StoreModule = typeof import('../store');

function webStorage(name: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return window[name];
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
  const session = webStorage('sessionStorage');
  const { warn, list: warnings } = createWarnings();
  const lazy = createLazy({
    openStore: () => load<StoreModule>(chunkUrl(cfg.base, 'store')).then((m) => m.openStore({ dbName: DB_NAME })),
    startWorker: () => startWorker(chunkUrl(cfg.base, 'worker')),
    init: { modelUrl: cfg.modelUrl, syncUrl: cfg.sync, backends: cfg.backends, dbName: DB_NAME },
    deleteDatabase: () => deleteDatabase(indexedDB, DB_NAME),
    warn,
  });
  const consent = createConsent({
    mode: cfg.consentMode,
    gpc: (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true,
    storage: webStorage('localStorage'),
    forget: async () => {
      recording.drop();
      clearOutbox(session);
      await lazy.forget();
    },
    unpersonalize: () => slots.unpersonalize(),
    warn,
  });
  const { granted } = consent;
  const recording = createRecording({ granted, store: lazy.store, idle, warmUp: lazy.worker, warn });
  const ui = () => load<UiModule>(chunkUrl(cfg.base, 'ui'));
  const perSlot = slotDeps({ cfg, granted, store: lazy.store, worker: lazy.worker, ui, record: recording.record, flush: recording.flush, warn });
  const elements = () => document.querySelectorAll<HTMLElement>('[data-shelfwise-slot]');
  const settled = contributeOnce({ enabled: !!cfg.sync, running: lazy.running, granted, idle, warn });
  const slots = createSlots({ elements, run: (el) => runSlot(el, perSlot), settled, warn });
  const workerDebug = () => lazy.worker().call('debug');
  const api = createApi({ record: recording.record, consent, render: slots.scan, workerDebug, slots: slots.statuses, warnings, warn });

  w.shelfwise = api;
  api.push(...queued);
  consent.start();
  // What the previous page of this tab captured but could not write before it was left.
  void carryOver({ storage: session, granted, store: lazy.store, record: recording.record, warn });
  addEventListener('pagehide', stashOnLeave({ storage: session, granted, unsaved: recording.unsaved }));

  const onEntry = dataLayerHandler({ record: recording.record, consent });
  const hook = () => {
    if (!Array.isArray(w.dataLayer)) return false;
    hookDataLayer(w.dataLayer, onEntry, warn);
    return true;
  };
  if (!hook()) document.addEventListener('DOMContentLoaded', hook, { once: true });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', slots.scan, { once: true });
  else slots.scan();
}

try {
  main(document.currentScript as HTMLScriptElement | null);
} catch (err) {
  // The host page must never see our failures.
  try {
    console.warn('[shelfwise]', err);
  } catch {}
}
