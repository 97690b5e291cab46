// The federated-learning server in central mode: it receives each device's clipped update, checks
// it, and once a round's cohort is in, re-clips, sums and noises the updates itself. The round
// lifecycle (rounds.ts), the privacy ledger (ledger.ts), publishing (publish.ts) and the answers
// (responses.ts) do not depend on that. Every state change happens inside one store transaction.
import type { RoundInfo, UpdateReceipt } from '../../src/sync/wire';
import type { ModelJson } from '../../src/model/plain/artifact';
import { aggregate } from '../../src/privacy/aggregate';
import { decodeUpdate, l2norm, scaleFor } from '../../src/privacy/fixed-point';
import { cryptoUniform, type Uniform } from '../../src/privacy/noise';
import { checkFlConfig, type FlConfig } from './config';
import { createLedger } from './ledger';
import { seedModel, updateLength } from './models';
import { createPublisher } from './publish';
import { storedStatus, modelAnswers, receipt, roundInfo, type RoundAnswers } from './responses';
import { createRounds } from './rounds';
import type { FlStore, FlTx, RoundRow } from './store';
import { HttpError } from '../send';

/** Stochastic rounding moves each coordinate by less than one step: allow for it in the norm check. */
const roundingSlack = (length: number, scale: number) => Math.sqrt(length) / scale;

interface UploadInput {
  round: string | undefined;
  model: string | undefined;
  token: string | undefined;
  body: Uint8Array;
}

export interface FlService extends RoundAnswers {
  submit(input: UploadInput): Promise<UpdateReceipt>;
}

interface Options {
  cfg: FlConfig;
  store: FlStore;
  /** Directory of the model the first round starts from (model.json + weights). */
  initialModel: string;
  uniform?: Uniform;
  now?: () => number;
}

export async function createFlService({ cfg, store, initialModel, uniform = cryptoUniform(), now = Date.now }: Options): Promise<FlService> {
  checkFlConfig(cfg); // not only at flConfigFromEnv: a config built in code must not bypass the privacy floor
  const ledger = createLedger(cfg);
  const rounds = createRounds({ cfg, ledger, now });
  const publish = createPublisher({ cfg, horizon: ledger.horizon, now });

  async function currentInfo(tx: FlTx): Promise<RoundInfo> {
    const round = await rounds.current(tx);
    const model = (await tx.latestModel())!;
    return roundInfo(cfg, { round, model, received: round ? await tx.countUpdates(round.id) : 0 }, now);
  }

  async function aggregateRound(tx: FlTx, round: RoundRow): Promise<void> {
    const model = (await tx.model(round.modelVersion))!;
    // From the round itself, not currentInfo(): that would re-check the deadline and could abandon
    // (and empty) this very round if the clock passed it during the request.
    const length = updateLength(JSON.parse(model.json) as ModelJson, cfg.weights);
    const updates = (await tx.updates(round.id)).map((b) => decodeUpdate(b, length, scaleFor(round.clipNorm)) as Float32Array);
    const mean = aggregate(updates, { clipNorm: round.clipNorm, noiseMultiplier: round.noiseMultiplier, cohort: round.cohort, uniform });
    await publish(tx, round, model, mean);
    await rounds.finish(tx, round);
  }

  await store.transaction(async (tx) => {
    await seedModel(tx, initialModel, now());
    await rounds.current(tx);
  });

  return {
    round: () => store.transaction(currentInfo),
    ...modelAnswers(store),
    status: () =>
      store.transaction(async (tx) => (await storedStatus(tx, cfg, ledger, 'central')).status),
    maxUploadBytes: async () => 2 * (await store.transaction(currentInfo)).length,
    reject: () => store.transaction((tx) => tx.bump('rejected')),
    ready: () => store.transaction(async (tx) => void (await tx.latestRound())),
    async submit(input) {
      // Decimal digits only: Number() would also take "0x1", "1e0" or " 1" for round 1.
      if (!/^[1-9][0-9]{0,15}$/.test(input.round ?? '')) throw new HttpError(400, 'x-shelfwise-round: expected a round number');
      const roundId = Number(input.round);
      if (!input.model) throw new HttpError(400, 'x-shelfwise-model: missing');
      const token = input.token;
      if (!token || !/^[0-9a-f]{32}$/.test(token)) throw new HttpError(400, 'x-shelfwise-token: expected 32 hex digits');
      return store.transaction(async (tx) => {
        const info = await currentInfo(tx);
        if (info.status === 'stopped') throw new HttpError(409, `training has stopped: ${ledger.stopReason(await tx.aggregatedRounds())}`);
        if (roundId !== info.round) throw new HttpError(409, `round ${roundId} is not open (the open round is ${info.round})`);
        await tx.lockRound(info.round);
        if (input.model !== info.model.version) throw new HttpError(409, `update computed on model ${input.model}; round ${info.round} trains ${info.model.version}`);
        const values = decodeUpdate(input.body, info.length, info.scale);
        if (typeof values === 'string') throw new HttpError(400, `update: ${values}`);
        const norm = l2norm(values);
        if (norm > cfg.clipNorm + roundingSlack(info.length, info.scale)) throw new HttpError(400, `update: L2 norm ${norm.toFixed(4)} exceeds the clip norm ${cfg.clipNorm}`);
        if (!(await tx.insertUpdate(info.round, token, input.body, now()))) throw new HttpError(409, 'token already used');
        await tx.bump('accepted');
        const received = await tx.countUpdates(info.round);
        if (received >= info.cohort) {
          await aggregateRound(tx, (await tx.latestRound())!);
          await rounds.current(tx);
        }
        return receipt(info, received);
      });
    },
  };
}
