// What there is to learn on this page, decided without TF.js: the learning worker (TF.js, a
// backend, the model on it: seconds of start-up on a slow device) is started only for work that
// will happen. The worker checks everything again itself; these are the same rules, asked first.
import type { ModelConfig } from '../model/plain/config';
import { LAST_CONTRIBUTION_KEY } from '../shared/storage-keys';
import type { Store } from '../store';
import type { RoundInfo } from '../sync/wire';
import type { ContributionOutcome, LastContribution } from '../worker/federate';
import { notThisRound, notYet } from '../worker/contribution-rules';
import { readHistory, type HistoryEvent } from '../worker/history';
import { needsRefit, offeredNegatives, personalVector } from '../worker/personal';
import type { AdaptOutcome } from '../worker/protocol';
import type { WorkerClient } from './worker-client';

type LearnStore = Pick<Store, 'recent' | 'getState' | 'setState'> & Partial<Pick<Store, 'dismissed'>>;

export interface LearningDeps {
  store: LearnStore;
  /** The model the page ranks with; the worker learns on the same version. */
  model: { version: string; config: ModelConfig };
  /** The site's federated-learning base, or null. */
  sync: string | null;
  /** The open round (GET <sync>/round). */
  round(): Promise<RoundInfo>;
  /** The learning worker, started on first use. */
  worker(): Pick<WorkerClient, 'call'>;
  warn(error: unknown): void;
}

/** How each part ended; absent where it failed (the failure goes to `warn`). */
export interface Learnt {
  adapt?: AdaptOutcome | 'not-needed';
  contribution?: ContributionOutcome | 'off';
}

/** Adaptation fits on next events that have older events beyond the encoder's window, and holds
 *  the newest one out (model/train/adapt.ts): fewer interest events than this, and it keeps no vector. */
export function adaptMinEvents(cfg: ModelConfig): number {
  return cfg.maxLen + 3;
}

export async function learn(deps: LearningDeps): Promise<Learnt> {
  const { store, model } = deps;
  const history = await readHistory(store);
  const [personal, offered, last] = await Promise.all([
    personalVector(store, model.version),
    offeredNegatives(store, history),
    store.getState<LastContribution>(LAST_CONTRIBUTION_KEY),
  ]);
  // Dismissals are fitted on every next event of the history (model/train/adapt.ts): three will do.
  const dismissed = offered.dismissed?.length ?? 0;
  const enough = history.length >= (dismissed ? 3 : adaptMinEvents(model.config));
  const refit = needsRefit(personal, history.length, dismissed) && enough && offered.items.length > 0;
  const failed = (error: unknown) => void deps.warn(error);
  // Both may start; the worker runs them one after the other.
  const [adapt, sent] = await Promise.all([
    refit ? deps.worker().call('adapt').catch(failed) : ('not-needed' as const),
    contribution(deps, history, offered.items.length, last).catch(failed),
  ]);
  return { ...(adapt ? { adapt } : {}), ...(sent ? { contribution: sent } : {}) };
}

async function contribution(deps: LearningDeps, history: readonly HistoryEvent[], offered: number, last: LastContribution | undefined): Promise<Learnt['contribution']> {
  if (!deps.sync) return 'off';
  // A two-aggregator report an earlier page could not deliver: the worker sends it again as it is.
  if (last?.pending) return deps.worker().call('contribute');
  const early = notYet(history, last, offered);
  if (early) return early;
  return notThisRound(await deps.round(), last, deps.model.version) ?? deps.worker().call('contribute');
}
