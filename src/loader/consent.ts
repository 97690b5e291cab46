// Whether personalization may run. Global Privacy Control and any denial always win; in opt-in
// mode nothing happens until a grant. The shopper's choice (not their data) is remembered in
// localStorage so it holds on the next page; opt-out mode records nothing until a choice is made.
// A shopper may also pause personalization (the data panel): a choice too, remembered beside it,
// that keeps what is stored but records and personalizes nothing until resumed.
import type { ConsentSignal } from '../capture';
import type { ConsentState } from '../shared/types';
import { CONSENT_KEY, PAUSED_KEY } from '../shared/storage-keys';
import type { ConsentSource } from '../ui/controls';
import type { ConsentMode } from './config';

type Choice = 'granted' | 'denied' | null;

export function resolveConsent(mode: ConsentMode, gpc: boolean, choice: Choice): ConsentState {
  if (gpc || choice === 'denied') return 'denied';
  if (choice === 'granted' || mode === 'opt-out') return 'granted';
  return 'pending';
}

export function readChoice(storage: Storage | null): Choice {
  try {
    const v = storage?.getItem(CONSENT_KEY);
    return v === 'granted' || v === 'denied' ? v : null;
  } catch {
    return null; // storage blocked (privacy mode): treat as no choice yet
  }
}

function readPaused(storage: Storage | null): boolean {
  try {
    return storage?.getItem(PAUSED_KEY) === '1';
  } catch {
    return false;
  }
}

export function saveChoice(storage: Storage | null, choice: 'granted' | 'denied'): void {
  try {
    storage?.setItem(CONSENT_KEY, choice);
  } catch {
    // Storage blocked: the choice still holds for this page.
  }
}

export interface ConsentDeps {
  mode: ConsentMode;
  /** Global Privacy Control: a denial that no later grant can lift on this page. */
  gpc: boolean;
  /** Where the choice is remembered (localStorage), or null when it is blocked. */
  storage: Storage | null;
  /** Deletes everything the device holds (events, outbox, store, worker). */
  forget(): Promise<void>;
  /** Shows the shelves on the page in the server's order again. */
  unpersonalize(): Promise<unknown>;
  warn(error: unknown): void;
}

export interface Consent {
  state(): ConsentState;
  /** What set the state: the site's mode, GPC, Consent Mode, or a choice (this page's or remembered). */
  source(): ConsentSource;
  /** Granted and not paused: recording and personalizing may run. */
  granted(): boolean;
  paused(): boolean;
  /** Pauses or resumes (remembered). */
  pause(paused: boolean): void;
  /** An explicit choice: `shelfwise.push(['consent', …])`. It is remembered. A denial resolves
   *  once everything stored is deleted. */
  choose(next: 'granted' | 'denied', from?: ConsentSource): Promise<void>;
  /** A Consent Mode signal from the dataLayer. */
  signal(signal: ConsentSignal): void;
  /** Applies a denial that stood before this page (GPC or a remembered choice): nothing stays. */
  start(): void;
}

export function createConsent(deps: ConsentDeps): Consent {
  const remembered = readChoice(deps.storage);
  let state = resolveConsent(deps.mode, deps.gpc, remembered);
  let source: ConsentSource = deps.gpc ? 'gpc' : remembered ? 'choice' : 'site';
  // gtag's rule: once an 'update' has been seen, a later 'default' no longer counts.
  let updated = false;
  let pausedNow = readPaused(deps.storage);

  async function choose(next: 'granted' | 'denied', from: ConsentSource = 'choice'): Promise<void> {
    saveChoice(deps.storage, next);
    if (!deps.gpc) source = from;
    if (next === 'denied') {
      state = 'denied';
      await deps
        .forget()
        .then(() => deps.unpersonalize())
        .catch(deps.warn);
    } else if (!deps.gpc) state = 'granted';
  }

  return {
    state: () => state,
    source: () => source,
    granted: () => state === 'granted' && !pausedNow,
    paused: () => pausedNow,
    pause(on) {
      pausedNow = on;
      try {
        if (on) deps.storage?.setItem(PAUSED_KEY, '1');
        else deps.storage?.removeItem(PAUSED_KEY);
      } catch {
        // Storage blocked: the pause holds for this page only.
      }
      if (on) deps.unpersonalize().catch(deps.warn);
    },
    choose,
    signal({ command, state: said }) {
      if (command === 'default' && updated) return;
      if (command === 'update') updated = true;
      if (said === 'denied') void choose('denied', 'consent-mode');
      else if (state === 'pending') void choose('granted', 'consent-mode');
    },
    start() {
      if (state === 'denied') deps.forget().catch(deps.warn);
    },
  };
}
