// The script-tag entry: the one place that touches the page (window.shelfwise, the dataLayer,
// the DOM, web storage, page events). It only wires the parts together; each part gets what it
// needs as arguments. It stays a few KB: the store, the UI and the ranking (the model, and TF.js
// for learning after it in idle time) are loaded only when needed.
import { hookDataLayer } from '../capture';
import { DB_NAME } from '../shared/storage-keys';
import { carryOver, stashOnLeave } from './carry-over';
import { chunkUrl, load } from './chunks';
import { createApi, dataLayerHandler } from './commands';
import { readConfig } from './config';
import { createConsent } from './consent';
import { createLazy, deleteDatabase } from './lazy';
import { openEarly } from './early-open';
import { clearOutbox } from './outbox';
import { createRecording } from './recording';
import { runSlot, type UiModule } from './slot';
import { slotDeps } from './slot-deps';
import { afterShelvesOnce } from './after-shelves';
import { createSlots } from './slots';
import { createWarnings } from './warnings';

type StoreModule = typeof import('../store');
type RankModule = typeof import('../rank-on-page');

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

/** Time from a shelf's candidates to the frame after it was rendered, as a performance measure
 *  `shelfwise:shelf` that the page's own monitoring can read (detail: slot, source, and `ordered`,
 *  the part of it until the shelf's order was known; the rest is the render and the frame). */
function shown(slot: string, source: string, since: number, ordered: number): void {
  const measure = () => {
    try {
      performance.measure('shelfwise:shelf', { start: since, detail: { slot, source, ordered: ordered - since } });
    } catch {}
  };
  requestAnimationFrame(() => setTimeout(measure));
}

function main(script: HTMLScriptElement | null): void {
  const cfg = readConfig(script?.dataset ?? {}, script?.src ?? '', location.href);
  const w = window as unknown as { shelfwise?: unknown; dataLayer?: unknown };
  const queued = Array.isArray(w.shelfwise) ? (w.shelfwise as unknown[]) : [];
  const session = webStorage('sessionStorage');
  const { warn, list: warnings } = createWarnings();
  const lazy = createLazy({
    openStore: () => {
      const early = openEarly(() => indexedDB, DB_NAME);
      return load<StoreModule>(chunkUrl(cfg.base, 'store')).then((m) => m.openStore({ dbName: DB_NAME, early, maintain: idle }));
    },
    openPage: (store) =>
      load<RankModule>(chunkUrl(cfg.base, 'rank')).then((m) =>
        m.createPage({
          store,
          shipped: cfg.modelUrl,
          sync: cfg.sync,
          backends: cfg.backends,
          softwareGpu: cfg.softwareGpu,
          workerUrl: chunkUrl(cfg.base, 'worker'),
          dbName: DB_NAME,
          warn,
        }),
      ),
    deleteDatabase: () => deleteDatabase(indexedDB, DB_NAME),
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
  const recording = createRecording({
    granted,
    store: lazy.store,
    idle,
    warmUp: () => lazy.page().then((p) => p.prepare()).catch(warn),
    relearn: () => lazy.loaded()?.then((p) => p.relearn()).catch(warn),
    warn,
  });
  // Imported once: a second import() of a module already in hand answers only in a later task (9-15
  // ms later on a busy page here), and each slot asks for the UI before its shelf.
  let uiChunk: Promise<UiModule> | undefined;
  const ui = () => (uiChunk ??= load<UiModule>(chunkUrl(cfg.base, 'ui')));
  const host = { consent, store: lazy.store, lang: script?.dataset.lang, labels: [] };
  const perSlot = slotDeps({ cfg, granted, store: lazy.store, page: lazy.page, ui, host, record: recording.record, flush: recording.flush, shown, warn });
  const elements = () => document.querySelectorAll<HTMLElement>('[data-shelfwise-slot]');
  const settled = afterShelvesOnce({ loaded: lazy.loaded, granted, idle, warn });
  const slots = createSlots({ elements, run: (el) => runSlot(el, perSlot), settled, warn });
  const modelDebug = () => lazy.page().then((p) => p.debug());
  const shopper = (cmd: unknown[]) => void ui().then((m) => m.command(host, cmd), warn);
  const api = createApi({ record: recording.record, consent, render: slots.scan, shopper, modelDebug, slots: slots.statuses, warnings, warn });

  w.shelfwise = api;
  api.push(...queued);
  consent.start();
  // Opening the database takes a while; a shelf on this page will ask it whether to personalize.
  if (granted()) void lazy.store();
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
