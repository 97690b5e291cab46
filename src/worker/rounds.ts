// The rounds this device took part in, for the shopper's "Your data" panel: the round, when, and how
// many bytes left the device. Never what was sent: the device keeps no copy of its updates.
import { CONTRIBUTIONS_KEY } from '../shared/storage-keys';
import type { StateStore } from './personal';

/** Rounds kept; the oldest go first. */
export const MAX_ROUNDS = 100;

export interface RoundTaken {
  round: number;
  /** Epoch ms. */
  at: number;
  bytes: number;
}

export async function recordRound(store: StateStore, round: number, bytes: number, now = Date.now()): Promise<void> {
  const kept = ((await store.getState<RoundTaken[]>(CONTRIBUTIONS_KEY)) ?? []).filter((r) => r.round !== round);
  await store.setState(CONTRIBUTIONS_KEY, [...kept, { round, at: now, bytes }].slice(-MAX_ROUNDS));
}
