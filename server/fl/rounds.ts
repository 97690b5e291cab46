// The round lifecycle: one round open at a time, on the newest model, under the configuration the
// ledger checked. A round that expires, or was opened on an older model or under other settings,
// is abandoned: nothing was aggregated, so nothing was released and no privacy spent. A round
// closes once aggregated, and its individual uploads go with it. Independent of how a round's
// uploads are aggregated.
import type { FlConfig } from './config';
import type { Ledger } from './ledger';
import type { FlTx, RoundRow } from './store';

export type RoundSettings = Pick<FlConfig, 'cohort' | 'clipNorm' | 'noiseMultiplier' | 'roundSeconds'>;

/** How a round's uploads are aggregated: a round's uploads are of its mode's kind only. */
export type AggregationMode = 'central' | 'two-aggregator';

const modeKey = (id: number) => `round:${id}:aggregation`;

export interface Rounds {
  /** The open round, opening one if none is; null once training has stopped. */
  current(tx: FlTx): Promise<RoundRow | null>;
  /** Closes `round` as aggregated (its aggregate is published): its uploads are deleted. */
  finish(tx: FlTx, round: RoundRow): Promise<void>;
  /** Closes `round` as refused (its decoded sum failed the range check): nothing is published, its
   *  uploads are deleted, and the ledger charges it, since a noisy aggregate was computed. */
  refuse(tx: FlTx, round: RoundRow): Promise<void>;
}

export function createRounds({ cfg, ledger, now, mode = 'central' }: { cfg: RoundSettings; ledger: Ledger; now: () => number; mode?: AggregationMode }): Rounds {
  const stopped = async (tx: FlTx) => ledger.stopReason(await tx.aggregatedRounds()) !== null;

  // A round opened under another configuration (the server restarted with new FL_* values) would
  // be aggregated with parameters the budget check never saw, and decoded at another scale.
  async function stillAllowed(tx: FlTx, round: RoundRow): Promise<boolean> {
    const same = round.cohort === cfg.cohort && round.clipNorm === cfg.clipNorm && round.noiseMultiplier === cfg.noiseMultiplier && round.samplingRate === ledger.charge.samplingRate;
    // A round from before the server switched mode holds uploads of the other kind. Rounds opened
    // before modes existed were central.
    const sameMode = ((await tx.meta(modeKey(round.id))) ?? 'central') === mode;
    return same && sameMode && !(await stopped(tx));
  }

  return {
    async current(tx) {
      const latest = await tx.latestRound();
      const model = (await tx.latestModel())!;
      if (latest?.status === 'open' && latest.deadline > now() && latest.modelVersion === model.version && (await stillAllowed(tx, latest))) return latest;
      if (latest?.status === 'open') {
        // Locked first: uploads being admitted to it finish before it is counted and emptied.
        await tx.lockRound(latest.id);
        // Counted, so that uploads a device was told were accepted are never lost silently.
        await tx.bump('discarded', await tx.countUpdates(latest.id));
        await tx.bump('abandoned');
        await tx.deleteUpdates(latest.id);
        await tx.closeRound(latest.id, 'abandoned', now());
      }
      if (await stopped(tx)) return null;
      const round = await tx.createRound({
        modelVersion: model.version,
        cohort: cfg.cohort,
        clipNorm: cfg.clipNorm,
        noiseMultiplier: cfg.noiseMultiplier,
        samplingRate: ledger.charge.samplingRate,
        deadline: now() + cfg.roundSeconds * 1000,
        status: 'open',
        createdAt: now(),
        closedAt: null,
      });
      if (mode !== 'central') await tx.setMeta(modeKey(round.id), mode);
      return round;
    },
    async finish(tx, round) {
      await tx.deleteUpdates(round.id);
      await tx.closeRound(round.id, 'aggregated', now());
      await tx.bump('rounds');
    },
    async refuse(tx, round) {
      await tx.deleteUpdates(round.id);
      await tx.closeRound(round.id, 'refused', now());
      await tx.bump('refused rounds');
    },
  };
}
