// Everything a broken or hostile client can send to either aggregator: every bad input gets a 4xx
// with a JSON error naming the problem, never a 5xx, and counts nothing. The leader: wrong content
// type, size, width, round, model or HPKE key id, and oversize bodies. The helper: tampered
// ciphertexts and associated data, unknown key ids, replayed or duplicate report ids, report sets
// naming reports it never received, and callers without the leader's token.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateKeyPair } from '../../src/privacy/secagg/hpke';
import { buildReport, encodeReport, parseReport, type Report } from '../../src/privacy/secagg/report';
import type { FlStatus, RoundInfo } from '../../src/sync/wire';
import { getJson, tempDir } from './fl-test-helpers';
import type { HelperStatus, SealedSeedWire } from './helper-wire';
import { deviceReport, postHelper, postReport, reportOf, secaggConfig, startHelper, startLeader, type HelperServer, type LeaderServer } from './secagg-test-helpers';

const TOKEN = 'leader-secret';
let helper: HelperServer;
let leader: LeaderServer;
let info: RoundInfo;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir();
  helper = await startHelper({ dir: tmp.dir, token: TOKEN, cfg: secaggConfig({ cohort: 2 }) });
  leader = await startLeader({ dir: tmp.dir, helperUrl: helper.url, token: TOKEN, cfg: secaggConfig({ cohort: 2 }) });
  info = await leader.service.round();
});
afterAll(async () => {
  expect([...leader.errors, ...helper.errors]).toEqual([]);
  await leader.close();
  await helper.close();
  tmp.remove();
});

const small = (d: number) => Int16Array.from({ length: d }, (_, i) => (i % 7) - 3);

describe('the leader refuses', () => {
  const cases: { name: string; body: () => Promise<Uint8Array | string>; type?: string; status: number; error: RegExp }[] = [
    { name: 'another content type', body: async () => (await deviceReport(info, 1)).body, type: 'application/octet-stream', status: 415, error: /^content-type must be application\/vnd\.shelfwise\.report$/ },
    { name: 'an empty body', body: async () => new Uint8Array(0), status: 400, error: /^report: report ends inside magic/ },
    { name: 'not a report', body: async () => 'hello, leader', status: 400, error: /bad magic/ },
    { name: 'a share one byte short', body: async () => (await deviceReport(info, 1)).body.slice(0, -1), status: 400, error: /^report: a leader share of \d+ bytes, expected 31968 \(10656 × 24 bits\)$/ },
    { name: 'another ring width', body: async () => encodeReport(await buildReport({ update: small(info.length), round: info.round, modelVersion: info.model.version, width: 32, helperConfig: info.secagg!.helper })), status: 400, error: /^report: a report in 32-bit shares, the round uses 24 bits$/ },
    { name: 'another length', body: async () => (await reportOf({ ...info, length: info.length + 1 }, small(info.length + 1))).body, status: 400, error: /^report: a report of 10657 coordinates, the model has 10656$/ },
    { name: 'another round', body: async () => (await reportOf({ ...info, round: info.round + 1 }, small(info.length))).body, status: 409, error: /^report: a report for round 2 of .*, but round 1 of .* is being collected$/ },
    { name: 'another model', body: async () => (await reportOf({ ...info, model: { ...info.model, version: 'demo-000000000000' } }, small(info.length))).body, status: 409, error: /^report: a report for round 1 of demo-000000000000/ },
    {
      name: 'a key id the helper does not hold',
      body: async () => {
        const other = await generateKeyPair(77);
        return (await reportOf({ ...info, secagg: { ...info.secagg!, helper: other.config } }, small(info.length))).body;
      },
      status: 400,
      error: /^report: HPKE key id 77 is not accepted \(accepted: 0\)$/,
    },
    { name: 'a body over the limit', body: async () => new Uint8Array(1200 + 4 * info.length + 1), status: 413, error: /^request body over \d+ bytes$/ },
  ];

  for (const c of cases) {
    test(`${c.name}: ${c.status}`, async () => {
      const before = await leader.service.status();
      const answer = await postReport(leader.url, await c.body(), c.type);
      expect(answer.status).toBe(c.status);
      expect(answer.body.error).toMatch(c.error);
      const after = await getJson<FlStatus>(leader.url, '/api/fl/status');
      expect(after).toMatchObject({ updatesAccepted: before.updatesAccepted, updatesRejected: before.updatesRejected + 1 });
      expect((await leader.service.round()).received).toBe(0);
    });
  }
});

/** A report sealed to the helper, and its seed as the leader would forward it. */
async function sealed(round = info.round): Promise<{ report: Report; wire: SealedSeedWire }> {
  const r = parseReport((await reportOf({ ...info, round }, small(info.length))).body);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return { report: r, wire: { reportId: r.reportId, keyId: r.sealedSeed.keyId, enc: b64(r.sealedSeed.enc), ciphertext: b64(r.sealedSeed.ciphertext) } };
}

const shape = (round = info.round) => ({ round, modelVersion: info.model.version, width: info.secagg!.width, length: info.length });
const flip = (text: string) => {
  const b = Buffer.from(text, 'base64url');
  b[3] ^= 1;
  return b.toString('base64url');
};

describe('the helper refuses', () => {
  const seedCases: { name: string; batch: (s: SealedSeedWire) => unknown; code: string; status: number }[] = [
    { name: 'a tampered ciphertext', batch: (s) => ({ ...shape(), reports: [{ ...s, ciphertext: flip(s.ciphertext) }] }), code: 'decrypt-failed', status: 400 },
    { name: 'a tampered encapsulated key', batch: (s) => ({ ...shape(), reports: [{ ...s, enc: flip(s.enc) }] }), code: 'decrypt-failed', status: 400 },
    { name: 'associated data of another round', batch: (s) => ({ ...shape(info.round + 1), reports: [s] }), code: 'decrypt-failed', status: 400 },
    { name: 'associated data of another model', batch: (s) => ({ ...shape(), modelVersion: 'demo-000000000000', reports: [s] }), code: 'decrypt-failed', status: 400 },
    { name: 'associated data of another report id', batch: (s) => ({ ...shape(), reports: [{ ...s, reportId: 'ab'.repeat(16) }] }), code: 'decrypt-failed', status: 400 },
    { name: 'associated data of another key id', batch: (s) => ({ ...shape(), reports: [{ ...s, keyId: 5 }] }), code: 'unknown-key', status: 400 },
    { name: 'a sealed seed of the wrong size', batch: (s) => ({ ...shape(), reports: [{ ...s, ciphertext: s.ciphertext.slice(0, 20) }] }), code: 'malformed', status: 400 },
    { name: 'a report twice in one batch', batch: (s) => ({ ...shape(), reports: [s, s] }), code: 'duplicate', status: 409 },
  ];

  for (const c of seedCases) {
    test(`${c.name}: ${c.status}, and nothing of the batch is stored`, async () => {
      const { wire } = await sealed();
      const before = await helper.service.status();
      const answer = await postHelper(helper.url, '/seeds', c.batch(wire), TOKEN);
      expect(answer.status).toBe(c.status);
      expect(answer.body).toMatchObject({ error: expect.stringMatching(/reports refused \(none stored\)/), refused: [expect.objectContaining({ code: c.code })] });
      expect(await helper.service.status()).toMatchObject({ seedsHeld: before.seedsHeld, seedsAccepted: before.seedsAccepted });
    });
  }

  test('a batch with one bad report among good ones: only the bad one is named, none is stored; the rest go in on their own', async () => {
    const good = await sealed();
    const bad = await sealed();
    const before = await helper.service.status();
    const answer = await postHelper(helper.url, '/seeds', { ...shape(), reports: [good.wire, { ...bad.wire, ciphertext: flip(bad.wire.ciphertext) }] }, TOKEN);
    expect(answer).toMatchObject({ status: 400, body: { refused: [{ reportId: bad.wire.reportId, code: 'decrypt-failed' }] } });
    expect((await helper.service.status()).seedsHeld).toBe(before.seedsHeld);
    expect(await postHelper(helper.url, '/seeds', { ...shape(), reports: [good.wire] }, TOKEN)).toEqual({ status: 200, body: { stored: 1, duplicates: 0 } });
    // Sent again (a leader retrying after a crash): harmless.
    expect(await postHelper(helper.url, '/seeds', { ...shape(), reports: [good.wire] }, TOKEN)).toEqual({ status: 200, body: { stored: 0, duplicates: 1 } });
  });

  test('callers without the leader’s token, and bodies that are not a batch', async () => {
    const { wire } = await sealed();
    expect(await postHelper(helper.url, '/seeds', { ...shape(), reports: [wire] })).toEqual({ status: 401, body: { error: 'the helper takes reports from its leader only (bearer token)' } });
    expect(await postHelper(helper.url, '/aggregate', { ...shape(), reportIds: [] }, 'wrong')).toMatchObject({ status: 401 });
    expect(await postHelper(helper.url, '/seeds', '{not json', TOKEN)).toEqual({ status: 400, body: { error: 'the body is not JSON' } });
    expect(await postHelper(helper.url, '/seeds', { ...shape(), width: 20, reports: [wire] }, TOKEN)).toEqual({ status: 400, body: { error: 'width: 20 is not 8, 16, 24 or 32' } });
    expect(await postHelper(helper.url, '/seeds', { ...shape(), reports: [] }, TOKEN)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^reports: expected an array/) } });
    expect(await postHelper(helper.url, '/seeds', { ...shape(), reports: [{ ...wire, reportId: 'XYZ' }] }, TOKEN)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/reportId/) } });
  });

  test('report sets naming a report it never received, a report twice, too few reports, or another round’s report', async () => {
    const held = [await sealed(), await sealed()];
    const elsewhere = await sealed(info.round + 5);
    await postHelper(helper.url, '/seeds', { ...shape(), reports: held.map((h) => h.wire) }, TOKEN);
    await postHelper(helper.url, '/seeds', { ...shape(info.round + 5), reports: [elsewhere.wire] }, TOKEN);
    const ids = held.map((h) => h.wire.reportId);
    const before = await helper.service.status();
    const agg = (reportIds: string[], round = info.round) => postHelper(helper.url, '/aggregate', { ...shape(round), reportIds }, TOKEN);
    expect(await agg([ids[0], 'cd'.repeat(16)])).toEqual({ status: 409, body: { error: `the report set names report ${'cd'.repeat(16)}, which the helper never received` } });
    expect(await agg([ids[0], ids[0]])).toEqual({ status: 400, body: { error: 'reportIds: the set names a report twice' } });
    expect(await agg([ids[0]])).toEqual({ status: 400, body: { error: 'reportIds: 1 reports; the helper sums no fewer than 2' } });
    expect(await agg([ids[0], elsewhere.wire.reportId])).toMatchObject({ status: 409, body: { error: expect.stringMatching(/^report [0-9a-f]+ belongs to round 6/) } });
    const after = await helper.service.status();
    expect(after).toMatchObject({ roundsAggregated: before.roundsAggregated, aggregationsRefused: before.aggregationsRefused + 4, seedsHeld: before.seedsHeld, epsilon: before.epsilon });
  });

  test('a round is aggregated once: the same set gets the same bytes; another set for that round, or a replayed report, is refused', async () => {
    const round = info.round + 10;
    const reports = [await sealed(round), await sealed(round), await sealed(round)];
    await postHelper(helper.url, '/seeds', { ...shape(round), reports: reports.map((r) => r.wire) }, TOKEN);
    const ids = reports.map((r) => r.wire.reportId);
    const first = await postHelper(helper.url, '/aggregate', { ...shape(round), reportIds: ids.slice(0, 2) }, TOKEN);
    expect(first).toMatchObject({ status: 200, body: { round, reports: 2, noiseMultiplier: 1 } });
    const again = await postHelper(helper.url, '/aggregate', { ...shape(round), reportIds: [ids[1], ids[0]] }, TOKEN);
    expect(again).toEqual(first);
    expect(await postHelper(helper.url, '/aggregate', { ...shape(round), reportIds: [ids[0], ids[2]] }, TOKEN)).toEqual({ status: 409, body: { error: `round ${round} was aggregated over another set of reports` } });
    // Replays: an aggregated report in another round's set, or forwarded again.
    expect(await postHelper(helper.url, '/aggregate', { ...shape(round + 1), reportIds: ids.slice(0, 2) }, TOKEN)).toMatchObject({ status: 409, body: { error: expect.stringMatching(/was aggregated in round \d+ \(replayed\)$/) } });
    expect(await postHelper(helper.url, '/seeds', { ...shape(round), reports: [reports[0].wire] }, TOKEN)).toMatchObject({ status: 409, body: { refused: [{ code: 'replayed' }] } });
    const status = await getJson<HelperStatus>(helper.url, '/api/fl/helper/status');
    expect(status.roundsAggregated).toBe(1);
  });
});

