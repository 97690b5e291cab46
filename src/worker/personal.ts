// The shopper's personal model state on the device: the items they have been offered (the
// negatives adaptation learns from) and the fitted personal vector, kept in the store.
import type { EventLike, ItemLike } from '../model/features';
import type { Store } from '../store';
import type { CandidateFeatures } from './protocol';

export const OFFERED_KEY = 'offered';
export const PERSONAL_KEY = 'personal';
const MAX_OFFERED = 300;
/** New interest events needed before fitting the vector again. */
export const REFIT_AFTER = 3;

export interface PersonalState {
  /** The model the vector was fitted for; another model ignores it. */
  modelVersion: string;
  vector: Float32Array | null;
  /** Interest events in the history when it was fitted. */
  events: number;
  at: number;
}

/** Remembers offered candidates (newest first, no duplicates), bounded. */
export async function rememberOffered(store: Store, candidates: readonly CandidateFeatures[]): Promise<void> {
  const known = (await store.getState<CandidateFeatures[]>(OFFERED_KEY)) ?? [];
  const ids = new Set(candidates.map((c) => c.item_id));
  const merged = [...candidates, ...known.filter((c) => !ids.has(c.item_id))].slice(0, MAX_OFFERED);
  await store.setState(OFFERED_KEY, merged);
}

/** Offered items the shopper did not interact with: adaptation's negatives. */
export async function offeredNegatives(store: Store, history: readonly EventLike[]): Promise<ItemLike[]> {
  const seen = new Set(history.map((e) => e.item_id));
  return ((await store.getState<CandidateFeatures[]>(OFFERED_KEY)) ?? []).filter((c) => !seen.has(c.item_id));
}

export async function personalVector(store: Store, modelVersion: string): Promise<PersonalState | undefined> {
  const state = await store.getState<PersonalState>(PERSONAL_KEY);
  return state?.modelVersion === modelVersion ? state : undefined;
}

export function needsRefit(state: PersonalState | undefined, events: number): boolean {
  return !state || events - state.events >= REFIT_AFTER;
}
