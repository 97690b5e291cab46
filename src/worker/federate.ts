// The device's part in a federated round: when eligible, train on the shopper's own history, clip
// the update of the shared weights, encode it and upload it with a one-time token. Nothing that
// identifies the device or its events is sent, and a device contributes at most once per round.
import type { EventLike } from '../model/plain/features';
import { clipToNorm, encodeFixed } from '../privacy/fixed-point';
import { LAST_CONTRIBUTION_KEY } from '../shared/storage-keys';
import { freshToken } from '../sync/token';
import { getRound, sendUpdate } from '../sync/client';
import type { OfferedNegatives, StateStore } from './personal';

/** New interest events since the device's last contribution before it contributes again (as many
 *  as the local update needs at all: src/model/train/local-update.ts). */
export const MIN_NEW_EVENTS = 3;

export interface Contributor {
  readonly version: string;
  localDelta(names: readonly string[], history: readonly EventLike[], offered: OfferedNegatives): Promise<Float32Array | null>;
}

export type ContributionOutcome = 'sent' | 'not-enough-history' | 'nothing-offered-yet' | 'already-contributed' | 'stopped' | 'stale-model';

/** What the store keeps of the device's last contribution. */
export interface LastContribution {
  round: number;
  /** The newest record id the device contributed with: the store's keys only ever grow. */
  newest: number;
}

/** Interest events, oldest first, with their store record id. */
export type History = readonly (EventLike & { id?: number })[];

// By record id, not by count: the history is a bounded window of recent records, whose number of
// interest events stops growing (or shrinks) once the window is full.
const newSince = (history: History, last: LastContribution | undefined) => history.filter((e) => (e.id ?? 0) > (last?.newest ?? 0)).length;

export function contribute(base: string, store: StateStore, model: Contributor, history: History, offered: OfferedNegatives): Promise<ContributionOutcome> {
  // Tabs of one shopper share the store: without the lock, two tabs training at once would both
  // find the round not yet contributed to and both upload.
  return exclusive(() => contributeOnce(base, store, model, history, offered));
}

async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  // Web Locks exist only in secure contexts (https, localhost); elsewhere tabs are not serialized.
  return locks ? await locks.request('shelfwise:federate', fn) : fn();
}

async function contributeOnce(base: string, store: StateStore, model: Contributor, history: History, offered: OfferedNegatives): Promise<ContributionOutcome> {
  const last = await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY);
  if (newSince(history, last) < MIN_NEW_EVENTS) return 'not-enough-history';
  // The negatives are items this device was offered; before any shelf was ranked there are none.
  if (offered.items.length === 0) return 'nothing-offered-yet';
  const round = await getRound(base);
  if (round.status !== 'open') return 'stopped';
  if (last?.round === round.round) return 'already-contributed';
  if (round.model.version !== model.version) return 'stale-model';
  const delta = await model.localDelta(round.weights, history, offered);
  if (!delta || delta.length !== round.length) return 'not-enough-history';
  clipToNorm(delta, round.clipNorm);
  const update = encodeFixed(delta, round.scale);
  // Marked before the upload, not after: the server may count an upload whose page was left before
  // the answer came, and a device must never count twice in a round. A failed upload skips the round.
  await store.setState(LAST_CONTRIBUTION_KEY, { round: round.round, newest: Math.max(0, ...history.map((e) => e.id ?? 0)) } satisfies LastContribution);
  await sendUpdate(base, round, update, freshToken());
  return 'sent';
}
