// The shopper's personal model state on the device: the items they have been offered (the
// negatives adaptation learns from), the items they dismissed (strong negatives), and the fitted
// personal vector, kept in the store.
import type { EventLike, ItemLike } from '../model/plain/features';
import { meanVector, withDismissals } from '../model/plain/dismissals';
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
  /** The long-term part (β · mean of the events older than the window), or null. */
  vector: Float32Array | null;
  /** γ, fitted with the dismissed items as strong negatives (0: kept out by the held-out check);
   *  absent when there were no dismissals to fit it on. */
  gamma?: number;
  /** Interest events in the history when it was fitted. */
  events: number;
  /** Dismissed items when it was fitted. */
  dismissed?: number;
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
  /** Items the shopper dismissed, oldest first (none of them among `items`). */
  dismissed?: readonly ItemLike[];
}

/** Remembers offered candidates (most recently offered first, counted), bounded. */
export async function rememberOffered(store: StateStore, candidates: readonly CandidateFeatures[]): Promise<void> {
  const known = new Map(((await store.getState<OfferedItem[]>(OFFERED_KEY)) ?? []).map((o) => [o.item_id, o]));
  const fresh = candidates.map((c) => ({ ...c, times: (known.get(c.item_id)?.times ?? 0) + 1 }));
  fresh.forEach((c) => known.delete(c.item_id));
  await store.setState(OFFERED_KEY, [...fresh, ...known.values()].slice(0, MAX_OFFERED));
}

/** Offered items the shopper did not interact with (adaptation's negatives), with how often each
 *  was offered, and the dismissed ones apart. */
export async function offeredNegatives(store: StateStore & Partial<Pick<Store, 'dismissed'>>, history: readonly EventLike[]): Promise<OfferedNegatives> {
  const dismissed = (await store.dismissed?.()) ?? [];
  const seen = new Set([...history, ...dismissed].map((e) => e.item_id));
  const items = ((await store.getState<OfferedItem[]>(OFFERED_KEY)) ?? []).filter((c) => !seen.has(c.item_id));
  return { items, weights: items.map((o) => o.times), dismissed };
}

export async function personalVector(store: StateStore, modelVersion: string): Promise<PersonalState | undefined> {
  const state = await store.getState<PersonalState>(PERSONAL_KEY);
  return state?.modelVersion === modelVersion ? state : undefined;
}

export async function savePersonal(store: StateStore, state: PersonalState): Promise<void> {
  await store.setState(PERSONAL_KEY, state);
}

/** After enough new history, or whenever the dismissed items have changed. */
export function needsRefit(state: PersonalState | undefined, events: number, dismissed = 0): boolean {
  return !state || events - state.events >= REFIT_AFTER || dismissed !== (state.dismissed ?? 0);
}

/** The personal vector the page ranks with: the fitted long-term part minus γ times the mean of
 *  the items dismissed now (model/plain/dismissals.ts). γ is the fitted one while the dismissals
 *  are those it was fitted on; a new dismissal counts at once, with the default, until the next fit. */
export function rankingVector(
  state: PersonalState | undefined,
  dismissed: readonly ItemLike[],
  ranker: { config: { dim: number }; itemVectors(items: readonly ItemLike[]): Float32Array },
): Float32Array | null {
  const mean = dismissed.length ? meanVector(ranker.itemVectors(dismissed), ranker.config.dim) : null;
  return withDismissals(state?.vector, state?.dismissed === dismissed.length ? state.gamma : undefined, mean);
}
