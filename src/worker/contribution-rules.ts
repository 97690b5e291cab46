// When a device may take part in a federated round: the rules the worker applies before it
// contributes, and the page applies first to decide whether to start the worker at all. Kept apart
// from federate.ts, which brings the whole contribution path (encoding, secure aggregation) with it.
import type { RoundInfo } from '../sync/wire';
import type { ContributionOutcome, LastContribution } from './federate';

/** New interest events since the device's last contribution before it contributes again (as many
 *  as the local update needs at all: src/model/train/local-update.ts). */
export const MIN_NEW_EVENTS = 3;

// By record id, not by count: the history is a bounded window of recent records, whose number of
// interest events stops growing (or shrinks) once the window is full.
const newSince = (history: readonly { id?: number }[], last: LastContribution | undefined) => history.filter((e) => (e.id ?? 0) > (last?.newest ?? 0)).length;

/** Why the device does not contribute, decided before asking for the round; null: ask. */
export function notYet(history: readonly { id?: number }[], last: LastContribution | undefined, offered: number): ContributionOutcome | null {
  if (newSince(history, last) < MIN_NEW_EVENTS) return 'not-enough-history';
  // The negatives are items this device was offered; before any shelf was ranked there are none.
  if (offered === 0) return 'nothing-offered-yet';
  return null;
}

/** Why the device does not contribute to `round`; null: it does. */
export function notThisRound(round: RoundInfo, last: LastContribution | undefined, modelVersion: string): ContributionOutcome | null {
  if (round.status !== 'open') return 'stopped';
  if (last?.round === round.round) return 'already-contributed';
  if (round.model.version !== modelVersion) return 'stale-model';
  return null;
}
