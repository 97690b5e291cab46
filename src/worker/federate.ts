// The device's part in a federated round: when eligible, train on the shopper's own history, clip
// the update of the shared weights and encode it. In central mode it is uploaded with a one-time
// token. In two-aggregator mode it never leaves the device in the clear: it is split into the
// leader's share and the helper's sealed seed (src/privacy/secagg/report.ts), built once, kept in
// the store and sent again by later pages until the leader acknowledges it (same report id: it
// counts once). Nothing that identifies the device or its events is sent, and a device contributes
// at most once per round.
import type { EventLike } from '../model/plain/features';
import { encodeClipped, sharedClipNorm } from '../privacy/fixed-point';
import { LAST_CONTRIBUTION_KEY } from '../shared/storage-keys';
import { notThisRound, notYet } from './contribution-rules';
import { recordRound } from './rounds';
import { freshToken } from '../sync/token';
import { getRound, sendReport, sendUpdate } from '../sync/client';
import type { RoundInfo } from '../sync/wire';
import type { OfferedNegatives, StateStore } from './personal';

export interface Contributor {
  readonly version: string;
  localDelta(names: readonly string[], history: readonly EventLike[], offered: OfferedNegatives): Promise<Float32Array | null>;
}

export type ContributionOutcome =
  | 'sent'
  | 'not-enough-history'
  | 'nothing-offered-yet'
  | 'already-contributed'
  | 'stopped'
  | 'stale-model'
  // Two-aggregator mode: the leader acknowledged a report kept from an earlier page …
  | 'resent'
  // … or refused it for good (its round is over, say): it is dropped …
  | 'report-refused'
  // … or did not answer: the report is kept for the next page.
  | 'report-kept'
  // The leader has not reached the helper yet: no key to seal to.
  | 'helper-unavailable';

/** What the store keeps of the device's last contribution. */
export interface LastContribution {
  round: number;
  /** The newest record id the device contributed with: the store's keys only ever grow. */
  newest: number;
  /** Two-aggregator mode: the report built for `round`, until the leader acknowledges it. Kept in
   *  the same record as the round, so that one write marks the round and keeps its report. */
  pending?: { reportId: string; body: Uint8Array };
}

/** Interest events, oldest first, with their store record id. */
export type History = readonly (EventLike & { id?: number })[];

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
  // A report an earlier page built and could not deliver goes first, byte for byte.
  if (last?.pending) return deliver(base, store, last, 'resent');
  const early = notYet(history, last, offered.items.length);
  if (early) return early;
  const round = await getRound(base);
  const refused = notThisRound(round, last, model.version);
  if (refused) return refused;
  if (round.aggregation === 'two-aggregator' && !round.secagg) return 'helper-unavailable';
  // The report's code loads and its crypto warms up while the model trains, off the upload's path.
  const warm = round.aggregation === 'two-aggregator' ? warmUp(round).catch(() => {}) : undefined;
  const delta = await model.localDelta(round.weights, history, offered);
  await warm;
  if (!delta || delta.length !== round.length) return 'not-enough-history';
  const newest = Math.max(0, ...history.map((e) => e.id ?? 0));
  if (round.aggregation === 'two-aggregator') return contributeReport(base, store, round, delta, newest);
  const update = encodeClipped(delta, round.clipNorm, round.scale);
  // Marked before the upload, not after: the server may count an upload whose page was left before
  // the answer came, and a device must never count twice in a round. A failed upload skips the round.
  await store.setState(LAST_CONTRIBUTION_KEY, { round: round.round, newest } satisfies LastContribution);
  await sendUpdate(base, round, update, freshToken());
  await recordRound(store, round.round, update.byteLength);
  return 'sent';
}

/** The report of `delta` for a two-aggregator round, built once, kept, then delivered. */
async function contributeReport(base: string, store: StateStore, round: RoundInfo, delta: Float32Array, newest: number): Promise<ContributionOutcome> {
  const entry: LastContribution = { round: round.round, newest, pending: await reportFor(round, delta) };
  await store.setState(LAST_CONTRIBUTION_KEY, entry);
  return deliver(base, store, entry, 'sent');
}

/** What the device uploads for `delta` in a two-aggregator round: clipped, encoded, split into the
 *  leader's share and the helper's sealed seed, under a fresh report id. */
export async function reportFor(round: RoundInfo, delta: Float32Array): Promise<NonNullable<LastContribution['pending']>> {
  const secagg = round.secagg;
  if (!secagg) throw new Error('federate: the round announces no helper key');
  const update = encodeClipped(delta, sharedClipNorm(round.clipNorm, delta.length), round.scale);
  // Its own chunk (HPKE, the PRG): fetched by devices that contribute to a two-aggregator round only.
  const { buildReport, encodeReport } = await import('../privacy/secagg/report');
  const report = await buildReport({ update, round: round.round, modelVersion: round.model.version, width: secagg.width, helperConfig: secagg.helper });
  update.fill(0);
  return { reportId: report.reportId, body: encodeReport(report) };
}

/** Loads the report's chunk and seals a throwaway seed to the helper's key: the platform's X25519
 *  check, the key's import and the compilation of the HPKE code then happen before the upload. */
export async function warmUp(round: RoundInfo): Promise<void> {
  const { sealSeed } = await import('../privacy/secagg/report');
  await sealSeed(round.secagg!.helper, new Uint8Array(32), { round: round.round, modelVersion: round.model.version, reportId: '0'.repeat(32) });
}

/** Sends the kept report; forgets it once the leader has answered for good. */
async function deliver(base: string, store: StateStore, last: LastContribution, sent: 'sent' | 'resent'): Promise<ContributionOutcome> {
  let answer;
  try {
    answer = await sendReport(base, last.pending!.body);
  } catch {
    return 'report-kept';
  }
  await store.setState(LAST_CONTRIBUTION_KEY, { round: last.round, newest: last.newest } satisfies LastContribution);
  if (answer.kind === 'accepted') await recordRound(store, last.round, last.pending!.body.byteLength);
  return answer.kind === 'accepted' ? sent : 'report-refused';
}
