// Whether personalization may run. Global Privacy Control and any denial always win; in opt-in
// mode nothing happens until a grant. The shopper's choice (not their data) is remembered in
// localStorage so it holds on the next page; opt-out mode records nothing until a choice is made.
import type { ConsentState } from '../shared/types';
import type { ConsentMode } from './config';

export const CONSENT_KEY = 'shelfwise:consent';

export type Choice = 'granted' | 'denied' | null;

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
