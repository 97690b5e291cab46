// The leader aggregator, the one server devices talk to in two-aggregator mode. A device's report
// carries the leader's share of its update (uniform on its own: it says nothing about the update)
// and the helper's share as a seed sealed to the helper. The leader stores each report durably
// before acknowledging it, forwards the sealed seeds to the helper in batches, and once a round has
// its cohort names the set of reports to the helper; both sum their shares of exactly that set and
// add their own noise. The leader adds the two noisy aggregate shares, decodes the noisy sum,
// refuses it when no K honest clipped updates plus noise could produce it, and otherwise publishes
// like central mode (publish.ts). Rounds, the ledger, publishing and the answers are central
// mode's; only how a round's uploads become a noisy mean differs.
import { createHash, randomUUID } from 'node:crypto';
import { scaleFor } from '../../src/privacy/fixed-point';
import { addAggregatorNoise, noiseSigmaUnits, releaseMean, ShareSum } from '../../src/privacy/secagg/aggregation';
import { SecAggError, type SecAggErrorCode } from '../../src/privacy/secagg/errors';
import { parseConfig } from '../../src/privacy/secagg/hpke';
import { parseReport, type Report } from '../../src/privacy/secagg/report';
import { fromBytes, ringWidth, shareBytes, type Width } from '../../src/privacy/secagg/ring';
import type { FillWords } from '../../src/privacy/secagg/uniform';
import type { HelperState, ReportReceipt, RoundInfo, SecAggRound } from '../../src/sync/wire';
import type { ModelJson } from '../../src/model/plain/artifact';
import { HttpError } from '../send';
import { checkFlConfig, type FlConfig } from './config';
import { HelperRefused, HelperUnreachable, type HelperClient } from './helper-client';
import type { HelperConfigs } from './helper-wire';
import { createLedger } from './ledger';
import { seedModel, updateLength } from './models';
import { createPublisher } from './publish';
import { storedStatus, modelAnswers, roundInfo, type RoundAnswers } from './responses';
import { createRounds } from './rounds';
import type { LeaderSettings } from './roles';
import type { FlStore, FlTx, RoundRow } from './store';

interface ReportAnswer {
  /** 202: stored now; 200: the same report was stored before (it counts once). */
  status: 200 | 202;
  receipt: ReportReceipt;
}

export interface LeaderService extends RoundAnswers {
  submitReport(body: Uint8Array): Promise<ReportAnswer>;
  /** Forwards sealed seeds and aggregates a full round as far as the helper lets it; the leader
   *  runs this after every accepted report and every FL_HELPER_RETRY_SECONDS. */
  pump(): Promise<void>;
  /** Stops the retry timer. */
  close(): void;
}

interface Options {
  cfg: FlConfig;
  settings: Pick<LeaderSettings, 'forwardBatch' | 'retrySeconds'>;
  store: FlStore;
  helper: HelperClient;
  /** Directory of the model the first round starts from. */
  initialModel: string;
  now?: () => number;
  /** Seeded noise draws, for tests only; production draws from the platform's CSPRNG. */
  noiseSource?: () => FillWords;
}

/** How long a fetched helper configuration is used before it is fetched again (key rotation). */
const CONFIG_REFRESH_MS = 60_000;
const HELPER_CONFIG_KEY = 'helper:config';
const LAST_REFUSAL_KEY = 'last refusal';
const PUMP_LEASE_KEY = 'pump lease';
const widthKey = (round: number) => `round:${round}:width`;

const STATUS_OF: Record<SecAggErrorCode, number> = {
  malformed: 400,
  'wrong-size': 400,
  'wrong-round': 409,
  'unknown-key': 400,
  'decrypt-failed': 400,
  'bad-config': 400,
};

export async function createLeader({ cfg, settings, store, helper, initialModel, now = Date.now, noiseSource }: Options): Promise<LeaderService> {
  checkFlConfig(cfg);
  const ledger = createLedger(cfg);
  const rounds = createRounds({ cfg, ledger, now, mode: 'two-aggregator' });
  const publish = createPublisher({ cfg, horizon: ledger.horizon, now });
  const state: Omit<HelperState, 'waiting'> = { url: helper.url, reachable: false, lastContact: null, lastError: null };
  let configs: HelperConfigs | null = null;
  let fetchedAt = -Infinity;

  await store.transaction(async (tx) => {
    await seedModel(tx, initialModel, now());
    const cached = await tx.meta(HELPER_CONFIG_KEY);
    // The last configuration the helper gave: a leader restarted while the helper is down still
    // announces its key, and devices keep contributing.
    if (cached) configs = JSON.parse(cached) as HelperConfigs;
    await rounds.current(tx);
  });

  const contact = () => Object.assign(state, { reachable: true, lastContact: new Date(now()).toISOString(), lastError: null });
  const trouble = (err: unknown) => {
    state.reachable = !(err instanceof HelperUnreachable);
    state.lastError = err instanceof Error ? err.message : String(err);
  };

  async function refreshConfig(): Promise<void> {
    if (now() - fetchedAt < CONFIG_REFRESH_MS) return;
    const got = await helper.config();
    const checked: HelperConfigs = { keys: got.keys.map(parseConfig), noiseMultiplier: got.noiseMultiplier };
    if (checked.keys.length === 0 || !(checked.noiseMultiplier > 0)) throw new HelperRefused(200, { error: 'the helper announced no key or no noise' });
    fetchedAt = now();
    contact();
    if (JSON.stringify(checked) !== JSON.stringify(configs)) {
      configs = checked;
      await store.transaction((tx) => tx.setMeta(HELPER_CONFIG_KEY, JSON.stringify(checked)));
    }
  }

  /** σ the ring and the range check must hold: the larger of the two aggregators' noises. */
  const sigma = (helperZ: number) => noiseSigmaUnits(Math.max(cfg.noiseMultiplier, helperZ));

  /** A round's ring width, fixed when it is first announced. */
  async function widthOf(tx: FlTx, round: RoundRow): Promise<Width | null> {
    const stored = await tx.meta(widthKey(round.id));
    if (stored) return Number(stored) as Width;
    if (!configs) return null;
    const width = ringWidth(round.cohort, sigma(configs.noiseMultiplier));
    await tx.setMeta(widthKey(round.id), String(width));
    return width;
  }

  async function secaggOf(tx: FlTx, round: RoundRow | null): Promise<SecAggRound | null> {
    const width = round && (await widthOf(tx, round));
    return width && configs ? { width, helper: configs.keys[0] } : null;
  }

  const lengthOf = async (tx: FlTx, round: RoundRow) => updateLength(JSON.parse((await tx.model(round.modelVersion))!.json) as ModelJson, cfg.weights);

  async function currentInfo(tx: FlTx): Promise<RoundInfo> {
    const round = await rounds.current(tx);
    const model = (await tx.latestModel())!;
    return roundInfo(cfg, { round, model, received: round ? await tx.countUpdates(round.id) : 0, secagg: await secaggOf(tx, round) }, now);
  }

  async function submitReport(body: Uint8Array): Promise<ReportAnswer> {
    const report = refusing(() => parseReport(body));
    const digest = createHash('sha256').update(body).digest('hex');
    const answer = await store.transaction(async (tx): Promise<ReportAnswer> => {
      const seen = await tx.reportDigest(report.reportId);
      if (seen) {
        if (seen.sha256 !== digest) throw new HttpError(409, `report id ${report.reportId} was already used`);
        const open = await tx.latestRound();
        const received = open?.id === seen.round && open.status === 'open' ? await tx.countUpdates(seen.round) : cfg.cohort;
        return { status: 200, receipt: { accepted: true, duplicate: true, reportId: report.reportId, round: seen.round, received, cohort: cfg.cohort } };
      }
      const info = await currentInfo(tx);
      if (info.status === 'stopped') throw new HttpError(409, `training has stopped: ${ledger.stopReason(await tx.aggregatedRounds())}`);
      if (!info.secagg || !configs) throw new HttpError(503, 'the helper aggregator has not been reached yet; try again later');
      const expected = { round: info.round, modelVersion: info.model.version, length: info.length, width: info.secagg.width, keyIds: configs.keys.map((k) => k.keyId) };
      refusing(() => parseReport(body, expected));
      const full = () => new HttpError(409, `round ${info.round} has its ${info.cohort} reports and is being aggregated; wait for the next round`);
      if (info.received >= info.cohort) throw full();
      if (!(await tx.insertUpdate(info.round, report.reportId, body, now()))) {
        // The same report, stored by another instance while this one checked it: it counts once.
        const stored = await tx.reportDigest(report.reportId);
        if (stored?.sha256 === digest) return { status: 200, receipt: { accepted: true, duplicate: true, reportId: report.reportId, round: stored.round, received: await tx.countUpdates(stored.round), cohort: cfg.cohort } };
        throw new HttpError(409, `report id ${report.reportId} was already used`);
      }
      await tx.insertReportDigest(report.reportId, info.round, digest);
      // Other instances may have filled the round meanwhile: a place is taken, or the report refused.
      if (!(await tx.admit(info.round, info.cohort, report.reportId))) throw full();
      await tx.bump('accepted');
      const received = await tx.countUpdates(info.round);
      return { status: 202, receipt: { accepted: true, duplicate: false, reportId: report.reportId, round: info.round, received, cohort: info.cohort } };
    });
    // While the helper is failing, its retry timer alone tries again: not one attempt per report.
    if (answer.status === 202 && state.lastError === null) void pump().catch(() => {});
    return answer;
  }

  // The pump: one at a time; a call while one runs makes it go round once more.
  let running: Promise<void> | null = null;
  let again = false;
  function pump(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await step();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  async function step(): Promise<void> {
    try {
      // Whatever the helper's state, a round past its deadline is abandoned now.
      await store.transaction((tx) => rounds.current(tx));
      await refreshConfig().catch(trouble);
      const snapshot = await store.transaction(async (tx) => {
        const round = await rounds.current(tx);
        const secagg = await secaggOf(tx, round);
        return round && secagg && (await takeLease(tx)) ? { round, secagg, length: await lengthOf(tx, round) } : null;
      });
      if (!snapshot) return;
      await forward(snapshot.round, snapshot.secagg.width, snapshot.length);
      await aggregate(snapshot.round, snapshot.secagg.width, snapshot.length);
    } catch (err) {
      if (err instanceof HelperUnreachable || err instanceof HelperRefused) trouble(err);
      else throw err;
    }
  }

  // Where several instances share the store, one at a time forwards and aggregates (each would
  // send the helper the same seeds): the one holding the lease, renewed at every step. An instance
  // that dies holding it is replaced once the lease runs out (FL_HELPER_RETRY_SECONDS × 2, at
  // least 2 s). Two instances taking an expired lease at once both forward for one step: harmless
  // (the helper takes a seed twice as a duplicate), and closing a round has its own lock. A store
  // of one instance's own (SQLite) needs no lease.
  const instanceId = randomUUID();
  const leaseMs = Math.max(2000, 2 * settings.retrySeconds * 1000);
  async function takeLease(tx: FlTx): Promise<boolean> {
    if (!store.shared) return true;
    const held = JSON.parse((await tx.meta(PUMP_LEASE_KEY)) ?? 'null') as { by: string; until: number } | null;
    if (held && held.by !== instanceId && held.until > now()) return false;
    // Renewed once half of it has run out: not a write (and a synced commit) at every step.
    if (!(held?.by === instanceId && held.until - now() > leaseMs / 2)) await tx.setMeta(PUMP_LEASE_KEY, JSON.stringify({ by: instanceId, until: now() + leaseMs }));
    return true;
  }

  /** Sends the round's unforwarded sealed seeds; drops the reports the helper refuses. */
  async function forward(round: RoundRow, width: Width, length: number): Promise<void> {
    for (;;) {
      const batch = await store.transaction((tx) => tx.unforwarded(round.id, settings.forwardBatch));
      if (batch.length === 0) return;
      const reports = batch.map((b) => parseReport(b.payload));
      const shape = { round: round.id, modelVersion: round.modelVersion, width, length };
      try {
        await helper.storeSeeds({ ...shape, reports: reports.map(sealedWire) });
        contact();
        await store.transaction((tx) => tx.markForwarded(batch.map((b) => b.token)));
      } catch (err) {
        const refused = err instanceof HelperRefused ? err.body.refused : undefined;
        if (!refused?.length) throw err;
        contact();
        // Those reports' seeds do not open (or were replayed): they count for nothing. The round
        // takes more reports in their place.
        await store.transaction(async (tx) => {
          for (const r of refused) if ((await tx.upload(r.reportId))?.round === round.id) await tx.deleteUpload(r.reportId);
          await tx.bump('refused by helper', refused.length);
        });
      }
    }
  }

  async function aggregate(round: RoundRow, width: Width, length: number): Promise<void> {
    const ids = await store.transaction((tx) => tx.uploadTokens(round.id));
    if (ids.length < round.cohort) return;
    const answer = await helper.aggregate({ round: round.id, modelVersion: round.modelVersion, width, length, reportIds: ids });
    contact();
    const helperShare = Buffer.from(answer.share, 'base64url');
    if (helperShare.length !== shareBytes(length, width) || answer.reports !== ids.length || !(answer.noiseMultiplier > 0)) {
      throw new HelperRefused(200, { error: `the helper answered ${helperShare.length} bytes for ${answer.reports} reports; expected ${shareBytes(length, width)} for ${ids.length}` });
    }
    await store.transaction(async (tx) => {
      const latest = await tx.latestRound();
      // Published meanwhile (another pump, another instance, before a restart): nothing to do.
      if (latest?.id !== round.id || latest.status !== 'open') return;
      // Another instance closing the round waits here, then finds it closed: noise is drawn once.
      await tx.lockRound(round.id);
      if ((await tx.uploadTokens(round.id)).join() !== ids.join()) return;
      const leader = new ShareSum(length, width);
      for (const id of ids) leader.addBytes(parseReport((await tx.upload(id))!.payload).leaderShare);
      addAggregatorNoise(leader.sum, width, cfg.noiseMultiplier, noiseSource?.());
      const release = releaseMean({
        leader: leader.sum,
        helper: fromBytes(helperShare, width),
        width,
        reports: ids.length,
        noiseMultiplier: Math.max(cfg.noiseMultiplier, answer.noiseMultiplier),
        denominator: ids.length,
        scale: scaleFor(round.clipNorm),
      });
      if (release.ok) {
        await publish(tx, round, (await tx.model(round.modelVersion))!, release.mean);
        await rounds.finish(tx, round);
      } else {
        await rounds.refuse(tx, round);
        await tx.setMeta(LAST_REFUSAL_KEY, `round ${round.id}: ${release.reason}`);
      }
      await rounds.current(tx);
    });
  }

  const timer = setInterval(() => void pump().catch(() => {}), settings.retrySeconds * 1000);
  timer.unref();
  void pump().catch(() => {});

  return {
    round: () => store.transaction(currentInfo),
    ...modelAnswers(store),
    status: () =>
      store.transaction(async (tx) => {
        const { status: base, latest, counters } = await storedStatus(tx, cfg, ledger, 'two-aggregator');
        const waiting = latest?.status === 'open' && (await tx.countUpdates(latest.id)) >= latest.cohort;
        return {
          ...base,
          roundsRefused: counters['refused rounds'] ?? 0,
          lastRefusal: await tx.meta(LAST_REFUSAL_KEY),
          reportsRefusedByHelper: counters['refused by helper'] ?? 0,
          helper: { ...state, waiting },
        };
      }),
    submitReport,
    // The largest report of the round: header, model version, sealed seed and a 32-bit share.
    maxUploadBytes: async () => 1200 + shareBytes((await store.transaction(currentInfo)).length, 32),
    reject: () => store.transaction((tx) => tx.bump('rejected')),
    ready: () => store.transaction(async (tx) => void (await tx.latestRound())),
    pump,
    close: () => clearInterval(timer),
  };
}

function refusing<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof SecAggError) throw new HttpError(STATUS_OF[err.code], `report: ${err.message}`);
    throw err;
  }
}

function sealedWire(r: Report) {
  const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
  return { reportId: r.reportId, keyId: r.sealedSeed.keyId, enc: b64(r.sealedSeed.enc), ciphertext: b64(r.sealedSeed.ciphertext) };
}
