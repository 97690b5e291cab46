// Two-aggregator rounds when something goes wrong. An attacking device (any ring element in its
// share, or an update far over the clip norm) spoils its own round at most: the leader refuses the
// decoded sum, publishes nothing, counts the round and charges its ε; the next round publishes as
// usual. A helper that is down makes the full round wait, then abort at its deadline with nothing
// released and no ε spent, the reports it held counted as discarded. The helper's keys rotate; an
// old key id is accepted through its grace period and refused after it, by both aggregators.
import { afterEach, describe, expect, test } from 'vitest';
import { epsilonAfter } from '../../src/privacy/accountant';
import { parseReport } from '../../src/privacy/secagg/report';
import { addBytesInto, embed, fromBytes, subtract, toBytes, type Width } from '../../src/privacy/secagg/ring';
import { rng } from '../../src/shared/random';
import type { RoundInfo } from '../../src/sync/wire';
import { publishedValues, tempDir } from './fl-test-helpers';
import type { HelperConfigs, HelperStatus } from './helper-wire';
import { deviceReport, postHelper, postReport, reportOf, secaggConfig, startHelper, startLeader, type DeviceReport, type HelperServer, type LeaderServer } from './secagg-test-helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return tmp.dir;
}

async function helperAt(o: Parameters<typeof startHelper>[0]): Promise<HelperServer> {
  const h = await startHelper(o);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= h.close());
  cleanups.push(close);
  return { ...h, close };
}

async function leaderAt(o: Parameters<typeof startLeader>[0]): Promise<LeaderServer> {
  const l = await startLeader(o);
  cleanups.push(() => l.close());
  return l;
}

/** The report of a device that puts `evil` into the sum: a valid sealed seed, and a leader share
 *  shifted so that the two shares add up to `evil` instead of the update it was built for. */
async function attack(info: RoundInfo, evil: (d: number, width: Width) => Uint32Array): Promise<DeviceReport> {
  const honest = await deviceReport(info, 999);
  const width = info.secagg!.width;
  const body = honest.body.slice();
  const share = fromBytes(parseReport(body).leaderShare, width);
  // share' = share − x + evil: the helper's expansion still adds the mask back.
  addBytesInto(share, toBytes(subtract(evil(info.length, width), embed(honest.update, width), width), width), width);
  body.set(toBytes(share, width), body.length - share.length * (width >> 3));
  return { ...honest, body };
}

const garbage = (d: number, width: Width) => {
  const r = rng(7);
  return Uint32Array.from({ length: d }, () => Math.floor(r() * 2 ** width));
};
// 30,000 on every coordinate: within the per-coordinate bound, 94 × C in L2.
const oversized = (d: number, width: Width) => embed(new Int16Array(d).fill(30_000), width);

describe('an attacking device', () => {
  for (const [name, evil, why] of [['any ring element in its share', garbage, /beyond/], ['an update 94 times the clip norm', oversized, /L2 norm \d+ exceeds/]] as const) {
    test(`${name}: spoils its own round only — nothing published, the round counted and charged; the next round publishes as usual`, async () => {
      const d = dir();
      const cfg = secaggConfig({ cohort: 2, population: 1000 });
      const helper = await helperAt({ dir: d, cfg });
      const leader = await leaderAt({ dir: d, helperUrl: helper.url, cfg });
      const info = await leader.service.round();
      const start = await leader.service.model();
      const startValues = await publishedValues(leader.service, start.version, 'dense');

      expect((await postReport(leader.url, (await deviceReport(info, 1)).body)).status).toBe(202);
      expect((await postReport(leader.url, (await attack(info, evil)).body)).status).toBe(202);
      await leader.service.pump();
      const refused = await leader.service.status();
      expect(refused).toMatchObject({ roundsCompleted: 0, roundsRefused: 1, updatesAccepted: 2, model: start.version, round: 2, lastRefusal: expect.stringMatching(why) });
      expect(refused.lastRefusal).toMatch(/^round 1: /);
      // A noisy sum was computed, so the round is charged as one aggregated round.
      expect(refused.epsilon).toBeCloseTo(epsilonAfter(2 / 1000, 1, 1, 1e-5), 10);

      const next = await leader.service.round();
      expect(next).toMatchObject({ round: 2, received: 0, model: { version: start.version } });
      for (const seed of [2, 3]) expect((await postReport(leader.url, (await deviceReport(next, seed)).body)).status).toBe(202);
      await leader.service.pump();
      const published = await leader.service.model();
      expect(published).toMatchObject({ round: 2 });
      expect(await leader.service.status()).toMatchObject({ roundsCompleted: 1, roundsRefused: 1 });
      // FedAdam's first step moves no weight by more than the learning rate.
      const values = await publishedValues(leader.service, published.version, 'dense');
      let moved = 0;
      for (let i = 0; i < values.length; i++) moved = Math.max(moved, Math.abs(values[i] - startValues[i]));
      expect(moved).toBeGreaterThan(0);
      expect(moved).toBeLessThanOrEqual(cfg.serverLearningRate * (1 + 1e-3));
    });
  }
});

describe('the helper down', () => {
  test('the full round waits, refuses more reports, aborts at its deadline with nothing released and no ε spent, and says so; the next round works once the helper is back', async () => {
    const d = dir();
    let t = 1_700_000_000_000;
    const now = () => t;
    const cfg = secaggConfig({ cohort: 3, roundSeconds: 3600 });
    const helper = await helperAt({ dir: d, cfg, now });
    const port = Number(new URL(helper.url).port);
    const leader = await leaderAt({ dir: d, helperUrl: helper.url, cfg, now });
    const info = await leader.service.round();
    // Two reports while the helper is up (their seeds are forwarded), the third once it is down.
    for (const seed of [1, 2]) expect((await postReport(leader.url, (await deviceReport(info, seed)).body)).status).toBe(202);
    await leader.service.pump();
    await helper.close();
    expect((await postReport(leader.url, (await deviceReport(info, 3)).body)).status).toBe(202);
    await leader.service.pump();
    const waiting = await leader.service.status();
    expect(waiting).toMatchObject({ round: 1, roundsCompleted: 0, epsilon: 0, updatesAccepted: 3, helper: { reachable: false, waiting: true, lastError: expect.stringMatching(/seeds/) } });
    expect(await postReport(leader.url, (await deviceReport(info, 4)).body)).toEqual({ status: 409, body: { error: 'round 1 has its 3 reports and is being aggregated; wait for the next round' } });

    t += 3600 * 1000;
    await leader.service.pump();
    const aborted = await leader.service.status();
    expect(aborted).toMatchObject({ round: 2, roundsCompleted: 0, roundsAbandoned: 1, updatesDiscarded: 3, epsilon: 0, model: info.model.version });
    expect((await leader.service.round()).received).toBe(0);

    const back = await helperAt({ dir: d, cfg, now, port });
    // The helper still holds the aborted round's forwarded seeds …
    expect((await back.service.status()).seedsHeld).toBe(2);
    const next = await leader.service.round();
    for (const seed of [5, 6, 7]) expect((await postReport(leader.url, (await deviceReport(next, seed)).body)).status).toBe(202);
    await leader.service.pump();
    expect(await leader.service.status()).toMatchObject({ roundsCompleted: 1, roundsAbandoned: 1, helper: { reachable: true, lastError: null, waiting: false } });
    // … and drops them two round lengths after they came.
    expect((await back.service.status()).seedsHeld).toBe(2);
    t += 3600 * 1000 + 1;
    expect((await back.service.status()).seedsHeld).toBe(0);
  });
});

describe('key rotation', () => {
  test('the helper publishes a new key after FL_KEY_SECONDS; the old one opens through its grace period and is refused after it, by both aggregators', async () => {
    const d = dir();
    let t = 1_700_000_000_000;
    const now = () => t;
    const cfg = secaggConfig({ cohort: 2 });
    const helper = await helperAt({ dir: d, cfg, now, keySeconds: 1000, keyGraceSeconds: 500 });
    const leader = await leaderAt({ dir: d, helperUrl: helper.url, cfg, now });
    const first = await leader.service.round();
    expect(first.secagg!.helper.keyId).toBe(0);
    const old = await deviceReport(first, 1);

    t += 1000 * 1000;
    const rotated = await helper.service.config();
    expect(rotated.keys.map((k) => k.keyId)).toEqual([1, 0]);
    await leader.service.pump();
    expect((await leader.service.round()).secagg!.helper.keyId).toBe(1);
    // Sealed to key 0 before the rotation: still accepted, and it opens.
    expect((await postReport(leader.url, old.body)).status).toBe(202);
    await leader.service.pump();
    expect((await helper.service.status()).seedsHeld).toBe(1);

    t += 500 * 1000;
    const later = await helper.service.config();
    expect(later.keys.map((k) => k.keyId)).toEqual([1]);
    const status = await helper.service.status();
    expect(status.keys).toEqual([{ keyId: 1, createdAt: new Date(t - 500_000).toISOString(), retiredAt: null, refusedAfter: null }]);
    // The helper refuses key 0 now …
    const stale = parseReport((await reportOf(first, (await deviceReport(first, 2)).update)).body);
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const batch = { round: stale.round, modelVersion: stale.modelVersion, width: stale.width, length: stale.length, reports: [{ reportId: stale.reportId, keyId: 0, enc: b64(stale.sealedSeed.enc), ciphertext: b64(stale.sealedSeed.ciphertext) }] };
    expect(await postHelper(helper.url, '/seeds', batch)).toMatchObject({ status: 400, body: { refused: [{ code: 'unknown-key', error: 'HPKE key id 0 is not one the helper holds' }] } });
    // … and so does the leader, once it has the helper's new configuration.
    t += 61_000;
    await leader.service.pump();
    const configs = (await (await fetch(`${helper.url}/api/fl/helper/config`)).json()) as HelperConfigs;
    expect(configs.keys.map((k) => k.keyId)).toEqual([1]);
    const refused = await postReport(leader.url, (await reportOf(first, (await deviceReport(first, 3)).update)).body);
    expect(refused).toEqual({ status: 400, body: { error: 'report: HPKE key id 0 is not accepted (accepted: 1)' } });
    const h = (await (await fetch(`${helper.url}/api/fl/helper/status`)).json()) as HelperStatus;
    expect(h.seedsRefused).toBe(1);
  });
});

