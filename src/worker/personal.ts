// The shopper's personal model state on the device: the items they have been offered (the
// negatives adaptation learns from) and the fitted personal vector, kept in the store.
import type { EventLike, ItemLike } from '../model/plain/features';
import { OFFERED_KEY, PERSONAL_KEY } from '../shared/storage-keys';
import type { Store } from '../store';
import type { CandidateFeatures } from './protocol';

/** The part of the store this state lives in. */
export type StateStore = Pick<Store, 'getState' | 'setState'>;

export const MAX_OFFERED = 300;
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

/** A candidate as the store remembers it: how many times it has been offered. */
export interface OfferedItem extends CandidateFeatures {
  times: number;
}

/** The negatives of adaptation and of a federated update: offered items, each weighed by how
 *  often it was offered. */
export interface OfferedNegatives {
  items: readonly ItemLike[];
  weights: readonly number[];
}

/** Remembers offered candidates (most recently offered first, counted), bounded. */
export async function rememberOffered(store: StateStore, candidates: readonly CandidateFeatures[]): Promise<void> {
  const known = new Map(((await store.getState<OfferedItem[]>(OFFERED_KEY)) ?? []).map((o) => [o.item_id, o]));
  const fresh = candidates.map((c) => ({ ...c, times: (known.get(c.item_id)?.times ?? 0) + 1 }));
  fresh.forEach((c) => known.delete(c.item_id));
  await store.setState(OFFERED_KEY, [...fresh, ...known.values()].slice(0, MAX_OFFERED));
}

/** Offered items the shopper did not interact with (adaptation's negatives), with how often each was offered. */
export async function offeredNegatives(store: StateStore, history: readonly EventLike[]): Promise<OfferedNegatives> {
  const seen = new Set(history.map((e) => e.item_id));
  const items = ((await store.getState<OfferedItem[]>(OFFERED_KEY)) ?? []).filter((c) => !seen.has(c.item_id));
  return { items, weights: items.map((o) => o.times) };
}

export async function personalVector(store: StateStore, modelVersion: string): Promise<PersonalState | undefined> {
  const state = await store.getState<PersonalState>(PERSONAL_KEY);
  return state?.modelVersion === modelVersion ? state : undefined;
}

export async function savePersonal(store: StateStore, state: PersonalState): Promise<void> {
  await store.setState(PERSONAL_KEY, state);
}

export function needsRefit(state: PersonalState | undefined, events: number): boolean {
  return !state || events - state.events >= REFIT_AFTER;
}
