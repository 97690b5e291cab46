// Whether personalization may run. Global Privacy Control and any denial always win; in opt-in
// mode nothing happens until a grant. The shopper's choice (not their data) is remembered in
// localStorage so it holds on the next page; opt-out mode records nothing until a choice is made.
import type { ConsentSignal } from '../capture';
import type { ConsentState } from '../shared/types';
import { CONSENT_KEY } from '../shared/storage-keys';
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
  granted(): boolean;
  /** An explicit choice: `shelfwise.push(['consent', …])`. It is remembered. */
  choose(next: 'granted' | 'denied'): void;
  /** A Consent Mode signal from the dataLayer. */
  signal(signal: ConsentSignal): void;
  /** Applies a denial that stood before this page (GPC or a remembered choice): nothing stays. */
  start(): void;
}

export function createConsent(deps: ConsentDeps): Consent {
  let state = resolveConsent(deps.mode, deps.gpc, readChoice(deps.storage));
  // gtag's rule: once an 'update' has been seen, a later 'default' no longer counts.
  let updated = false;

  function choose(next: 'granted' | 'denied'): void {
    saveChoice(deps.storage, next);
    if (next === 'denied') {
      state = 'denied';
      deps
        .forget()
        .then(() => deps.unpersonalize())
        .catch(deps.warn);
    } else if (!deps.gpc) state = 'granted';
  }

  return {
    state: () => state,
    granted: () => state === 'granted',
    choose,
    signal({ command, state: said }) {
      if (command === 'default' && updated) return;
      if (command === 'update') updated = true;
      if (said === 'denied') choose('denied');
      else if (state === 'pending') choose('granted');
    },
    start() {
      if (state === 'denied') deps.forget().catch(deps.warn);
    },
  };
}
