// The helper aggregator. It holds one share of every report: a 32-byte seed, sealed by the device
// to the helper's key and forwarded by the leader, which cannot open it. It opens each seed when it
// arrives (so a tampered one is refused at once), keeps the seed, and when the leader names a
// round's set of reports it expands and sums exactly those seeds, adds its own discrete Gaussian
// noise and answers its noisy aggregate share, once: asked again, it answers the same bytes. A
// report id is aggregated at most once, ever. Its own privacy ledger refuses rounds past its budget,
// so the ε it reports holds whatever the leader does.
import { createHash } from 'node:crypto';
import { MIN_COHORT } from '../../src/privacy/aggregate';
import { addAggregatorNoise, noiseSigmaUnits, ShareSum } from '../../src/privacy/secagg/aggregation';
import { REPORT_ID_BYTES } from '../../src/privacy/secagg/context';
import { SecAggError } from '../../src/privacy/secagg/errors';
import { openSeed } from '../../src/privacy/secagg/hpke';
import { expand } from '../../src/privacy/secagg/prg';
import { HELPER_PRIMITIVES } from './helper-primitives';
import { checkWidth, maxReports, toBytes, type Width } from '../../src/privacy/secagg/ring';
import type { FillWords } from '../../src/privacy/secagg/uniform';
import { HttpError } from '../send';
import { checkFlConfig, type FlConfig } from './config';
import type { AggregateAnswer, AggregateRequest, HelperConfigs, HelperStatus, RoundShape, SeedBatch, SeedBatchAnswer, SeedRefusal } from './helper-wire';
import { keyRing, refusedAfter } from './helper-keys';
import type { HelperStore, SeedRow } from './helper-store';
import { createLedger } from './ledger';
import type { HelperSettings } from './roles';

/** A batch with refused reports: answered as a 4xx whose JSON lists them. */
class SeedsRefused extends HttpError {
  constructor(status: number, body: SeedRefusal) {
    super(status, body.error, { refused: body.refused });
  }
}

export interface HelperService {
  config(): Promise<HelperConfigs>;
  storeSeeds(batch: unknown): Promise<SeedBatchAnswer>;
  aggregate(request: unknown): Promise<AggregateAnswer>;
  status(): Promise<HelperStatus>;
  /** Resolves when the store answers (the readiness probe). */
  ready(): Promise<void>;
}

interface Options {
  cfg: FlConfig;
  settings: Pick<HelperSettings, 'keySeconds' | 'keyGraceSeconds'>;
  store: HelperStore;
  now?: () => number;
  /** Seeded noise draws, for tests only; production draws from the platform's CSPRNG. */
  noiseSource?: () => FillWords;
}

const MAX_BATCH = 1000;
const MAX_LENGTH = 1 << 24;
const isReportId = (v: unknown): v is string => typeof v === 'string' && new RegExp(`^[0-9a-f]{${REPORT_ID_BYTES * 2}}$`).test(v);

export function createHelperService({ cfg, settings, store, now = Date.now, noiseSource }: Options): HelperService {
  checkFlConfig(cfg);
  const ledger = createLedger(cfg);
  const sigma = noiseSigmaUnits(cfg.noiseMultiplier);
  // Seeds of a round the leader abandoned are never asked for: dropped two round lengths on.
  const keys = async () => {
    await store.transaction(async (tx) => tx.bump('seeds expired', await tx.pruneSeeds(now() - 2 * cfg.roundSeconds * 1000)));
    return keyRing(store, settings, now());
  };
  // One aggregation at a time in this instance; across instances, the round's lock.
  let aggregating: Promise<unknown> = Promise.resolve();

  async function storeSeeds(input: unknown): Promise<SeedBatchAnswer> {
    const batch = checkBatch(input);
    const ring = await keys();
    const refused: SeedRefusal['refused'] = [];
    const opened: SeedRow[] = [];
    const seen = new Set<string>();
    for (const r of batch.reports) {
      const refuse = (code: string, error: string) => refused.push({ reportId: r.reportId, code, error });
      if (seen.has(r.reportId)) {
        refuse('duplicate', `report ${r.reportId} is twice in the batch`);
        continue;
      }
      seen.add(r.reportId);
      try {
        const ctx = { round: batch.round, modelVersion: batch.modelVersion, reportId: r.reportId };
        const seed = await openSeed(ring.accepted, { keyId: r.keyId, enc: base64(r.enc, 'enc'), ciphertext: base64(r.ciphertext, 'ciphertext') }, ctx, HELPER_PRIMITIVES);
        opened.push({ ...ctx, width: batch.width, length: batch.length, seed, receivedAt: now() });
      } catch (err) {
        if (!(err instanceof SecAggError)) throw err;
        refuse(err.code, err.message);
      }
    }
    const stored = await store.transaction(async (tx): Promise<SeedBatchAnswer | { refusedHere: SeedRefusal['refused'] }> => {
      let duplicates = 0;
      const fresh: SeedRow[] = [];
      // A re-run (another instance stored one of these first) starts from an empty list.
      const refusedHere: SeedRefusal['refused'] = [];
      for (const s of opened) {
        const used = await tx.usedIn(s.reportId);
        const held = await tx.seed(s.reportId);
        if (used !== null) refusedHere.push({ reportId: s.reportId, code: 'replayed', error: `report ${s.reportId} was aggregated in round ${used}` });
        else if (held && !sameSeed(held, s)) refusedHere.push({ reportId: s.reportId, code: 'replayed', error: `report id ${s.reportId} is already held with other content` });
        else if (held) duplicates++;
        else fresh.push(s);
      }
      if (refused.length + refusedHere.length > 0) {
        await tx.bump('seeds refused', refused.length + refusedHere.length);
        return { refusedHere };
      }
      for (const s of fresh) await tx.insertSeed(s);
      await tx.bump('seeds accepted', fresh.length);
      return { stored: fresh.length, duplicates };
    });
    if (!('refusedHere' in stored)) return stored;
    refused.push(...stored.refusedHere);
    const status = refused.every((r) => r.code === 'replayed' || r.code === 'duplicate') ? 409 : 400;
    throw new SeedsRefused(status, { error: `${refused.length} of ${batch.reports.length} reports refused (none stored): ${refused[0].error}`, refused });
  }

  async function aggregate(input: unknown): Promise<AggregateAnswer> {
    const run = aggregating.then(() => aggregateOnce(checkAggregate(input)));
    aggregating = run.catch(() => {});
    try {
      return await run;
    } catch (err) {
      // Counted in a transaction of its own: the refused one rolled back.
      if (err instanceof HttpError) await store.transaction((tx) => tx.bump('aggregations refused'));
      throw err;
    }
  }

  async function aggregateOnce(req: AggregateRequest): Promise<AggregateAnswer> {
    const setSha256 = createHash('sha256').update([...req.reportIds].sort().join(',')).digest('hex');
    // One transaction from the check to the stored share, under the round's lock: a second
    // instance asked for the same round waits, then answers the stored share. The noise is drawn
    // once, and nothing of a draw leaves the transaction unless it commits.
    return store.transaction(async (tx) => {
      await tx.lockRound(req.round);
      const done = await tx.aggregate(req.round);
      if (done) {
        if (done.setSha256 !== setSha256 || done.modelVersion !== req.modelVersion) throw new HttpError(409, `round ${req.round} was aggregated over another set of reports`);
        return answer(done.round, done.reports, done.noiseMultiplier, done.share);
      }
      const stop = ledger.stopReason(await tx.aggregatedRounds());
      if (stop) throw new HttpError(409, `the helper aggregates no more rounds: ${stop}`);
      const seeds: SeedRow[] = [];
      for (const id of req.reportIds) {
        const used = await tx.usedIn(id);
        if (used !== null) throw new HttpError(409, `report ${id} was aggregated in round ${used} (replayed)`);
        const s = await tx.seed(id);
        if (!s) throw new HttpError(409, `the report set names report ${id}, which the helper never received`);
        if (s.round !== req.round || s.modelVersion !== req.modelVersion || s.width !== req.width || s.length !== req.length) {
          throw new HttpError(409, `report ${id} belongs to round ${s.round} of ${s.modelVersion} (${s.length} × ${s.width} bits), not to this request's`);
        }
        seeds.push(s);
      }
      const sum = new ShareSum(req.length, req.width);
      for (const s of seeds) sum.addVector(await expand(s.seed, s.length, req.width, s, HELPER_PRIMITIVES.keyStream));
      addAggregatorNoise(sum.sum, req.width, cfg.noiseMultiplier, noiseSource?.());
      const share = toBytes(sum.sum, req.width);
      for (const s of seeds) {
        await tx.markUsed(s.reportId, req.round);
        await tx.deleteSeed(s.reportId);
      }
      await tx.insertAggregate({ round: req.round, modelVersion: req.modelVersion, setSha256, reports: seeds.length, noiseMultiplier: cfg.noiseMultiplier, samplingRate: ledger.charge.samplingRate, share, createdAt: now() });
      await tx.bump('rounds aggregated');
      return answer(req.round, seeds.length, cfg.noiseMultiplier, share);
    });
  }

  function checkAggregate(input: unknown): AggregateRequest {
    const shape = checkShape(input);
    const ids = (input as { reportIds?: unknown }).reportIds;
    if (!Array.isArray(ids) || !ids.every(isReportId)) throw new HttpError(400, 'reportIds: expected an array of report ids (32 lower-case hex digits)');
    if (new Set(ids).size !== ids.length) throw new HttpError(400, 'reportIds: the set names a report twice');
    const least = Math.max(cfg.cohort, MIN_COHORT);
    if (ids.length < least) throw new HttpError(400, `reportIds: ${ids.length} reports; the helper sums no fewer than ${least}`);
    const most = maxReports(shape.width, sigma);
    if (ids.length > most) throw new HttpError(400, `reportIds: ${ids.length} reports; a ${shape.width}-bit ring holds the sum of at most ${most}`);
    return { ...shape, reportIds: ids };
  }

  return {
    async config() {
      const ring = await keys();
      return { keys: ring.accepted.map((k) => k.config), noiseMultiplier: cfg.noiseMultiplier };
    },
    storeSeeds,
    aggregate,
    ready: () => store.transaction(async (tx) => void (await tx.countSeeds())),
    async status() {
      const ring = await keys();
      return store.transaction(async (tx) => {
        const c = await tx.counters();
        const rounds = await tx.aggregatedRounds();
        const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
        return {
          role: 'helper',
          seedsHeld: await tx.countSeeds(),
          seedsAccepted: c['seeds accepted'] ?? 0,
          seedsRefused: c['seeds refused'] ?? 0,
          roundsAggregated: c['rounds aggregated'] ?? 0,
          aggregationsRefused: c['aggregations refused'] ?? 0,
          epsilon: ledger.spent(rounds),
          delta: cfg.delta,
          epsilonBudget: cfg.epsilonBudget,
          keys: ring.rows.map((k) => ({ keyId: k.keyId, createdAt: iso(k.createdAt)!, retiredAt: iso(k.retiredAt), refusedAfter: iso(refusedAfter(k, settings)) })),
        };
      });
    },
  };
}

function answer(round: number, reports: number, noiseMultiplier: number, share: Uint8Array): AggregateAnswer {
  return { round, reports, noiseMultiplier, share: Buffer.from(share.buffer, share.byteOffset, share.byteLength).toString('base64url') };
}

function sameSeed(a: SeedRow, b: SeedRow): boolean {
  return a.round === b.round && a.modelVersion === b.modelVersion && a.width === b.width && a.length === b.length && Buffer.compare(a.seed, b.seed) === 0;
}

function base64(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) throw new SecAggError('malformed', `${what}: not base64url`);
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

function checkShape(input: unknown): RoundShape {
  if (typeof input !== 'object' || input === null) throw new HttpError(400, 'expected a JSON object');
  const o = input as Record<string, unknown>;
  if (!(Number.isInteger(o.round) && (o.round as number) >= 0 && (o.round as number) <= 0xffffffff)) throw new HttpError(400, 'round: expected an integer in [0, 2^32)');
  if (typeof o.modelVersion !== 'string' || o.modelVersion.length === 0 || o.modelVersion.length > 1024) throw new HttpError(400, 'modelVersion: expected a non-empty string');
  try {
    checkWidth(o.width as number);
  } catch {
    throw new HttpError(400, `width: ${String(o.width)} is not 8, 16, 24 or 32`);
  }
  if (!(Number.isInteger(o.length) && (o.length as number) > 0 && (o.length as number) <= MAX_LENGTH)) throw new HttpError(400, `length: expected an integer in [1, ${MAX_LENGTH}]`);
  return { round: o.round as number, modelVersion: o.modelVersion, width: o.width as Width, length: o.length as number };
}

function checkBatch(input: unknown): SeedBatch {
  const shape = checkShape(input);
  const reports = (input as { reports?: unknown }).reports;
  if (!Array.isArray(reports) || reports.length === 0 || reports.length > MAX_BATCH) throw new HttpError(400, `reports: expected an array of 1 to ${MAX_BATCH}`);
  reports.forEach((r: unknown, i) => {
    const o = (r ?? {}) as Record<string, unknown>;
    if (!isReportId(o.reportId)) throw new HttpError(400, `reports[${i}].reportId: expected 32 lower-case hex digits`);
    if (!(Number.isInteger(o.keyId) && (o.keyId as number) >= 0 && (o.keyId as number) <= 255)) throw new HttpError(400, `reports[${i}].keyId: expected an integer in [0, 255]`);
    if (typeof o.enc !== 'string' || typeof o.ciphertext !== 'string') throw new HttpError(400, `reports[${i}]: enc and ciphertext must be base64url strings`);
  });
  return { ...shape, reports: reports as SeedBatch['reports'] };
}
