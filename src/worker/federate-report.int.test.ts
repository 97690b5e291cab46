// A device's contribution in two-aggregator mode, in Node against a stand-in leader that keeps what
// it receives: the update leaves the device only as a report (the leader's share and the helper's
// sealed seed), whose shares add up to the clipped update; the report is built once, kept in the
// store until the leader answers, and sent again unchanged by a later page; a refused report is
// dropped; without the helper's key the device computes and sends nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { decodeUpdate, l2norm, MAX_CODE, scaleFor } from '../privacy/fixed-point';
import { generateKeyPair } from '../privacy/secagg/hpke';
import { helperShare, parseReport } from '../privacy/secagg/report';
import { addBytesInto, toSigned } from '../privacy/secagg/ring';
import { rng } from '../shared/random';
import { LAST_CONTRIBUTION_KEY } from '../shared/storage-keys';
import type { RoundInfo } from '../sync/wire';
import { contribute, type Contributor, type History, type LastContribution } from './federate';
import { memoryStateStore } from './test-state-store';

const keys = await generateKeyPair(4);
const LENGTH = 5000;
const CLIP = 0.3;
const VERSION = 'demo-0123456789ab';

function round(id: number, changes: Partial<RoundInfo> = {}): RoundInfo {
  return {
    round: id,
    status: 'open',
    model: { version: VERSION, sha256: '0'.repeat(64) },
    cohort: 10,
    received: 0,
    clipNorm: CLIP,
    noiseMultiplier: 1,
    deadline: new Date(0).toISOString(),
    weights: ['w'],
    length: LENGTH,
    encoding: 'int16-fixed',
    scale: scaleFor(CLIP),
    aggregation: 'two-aggregator',
    secagg: { width: 24, helper: keys.config },
    ...changes,
  };
}

/** The leader's device-facing side: the round it announces, the reports it received, and its answer. */
function leader() {
  const state = { round: round(3), bodies: [] as Uint8Array[], types: [] as string[], answer: 202, requests: [] as string[] };
  const server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/fl/round') return reply(200, state.round);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.answer >= 500) return reply(state.answer, { error: 'down' });
      const body = new Uint8Array(Buffer.concat(chunks));
      state.bodies.push(body);
      state.types.push(String(req.headers['content-type']));
      if (state.answer >= 400) return reply(state.answer, { error: 'round 3 is not open' });
      reply(state.answer, { accepted: true, duplicate: state.answer === 200, reportId: parseReport(body).reportId, round: 3, received: 1, cohort: 10 });
    });
  });
  return {
    state,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fl`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A model whose local update is a fixed vector of L2 norm 3·C (so clipping is exercised). */
function contributor() {
  const r = rng(11);
  const delta = Float32Array.from({ length: LENGTH }, () => r() - 0.5);
  const f = (3 * CLIP) / l2norm(delta);
  delta.forEach((v, i) => (delta[i] = v * f));
  const calls = { n: 0 };
  const model: Contributor = {
    version: VERSION,
    async localDelta() {
      calls.n++;
      return delta.slice();
    },
  };
  return { model, delta, calls };
}

const events: History = Array.from({ length: 5 }, (_, i) => ({ item_id: `SKU-${i}`, type: 'view_item', ts: i, id: i + 1 }) as History[number]);
const offered = { items: [{ item_id: 'SKU-9' }], weights: [1] } as unknown as Parameters<typeof contribute>[4];

describe('contribute in two-aggregator mode', () => {
  const fl = leader();
  let base: string;
  beforeAll(async () => void (base = await fl.listen()));
  afterAll(() => fl.close());
  beforeEach(() => Object.assign(fl.state, { round: round(3), bodies: [], types: [], answer: 202, requests: [] }));

  test('sends one report whose shares add up to the update clipped to C·(1 − √d/32767); nothing is kept once acknowledged', async () => {
    const store = memoryStateStore();
    const { model, delta } = contributor();
    expect(await contribute(base, store, model, events, offered)).toBe('sent');
    expect(fl.state.types).toEqual(['application/vnd.shelfwise.report']);
    const report = parseReport(fl.state.bodies[0], { round: 3, modelVersion: VERSION, length: LENGTH, width: 24, keyIds: [4] });
    const sum = await helperShare([keys], report);
    addBytesInto(sum, report.leaderShare, 24);
    const update = toSigned(sum, 24);
    expect(l2norm(update)).toBeLessThanOrEqual(MAX_CODE);
    const decoded = decodeUpdate(new Uint8Array(Int16Array.from(update).buffer), LENGTH, scaleFor(CLIP)) as Float32Array;
    const f = (CLIP * (1 - Math.sqrt(LENGTH) / MAX_CODE)) / l2norm(delta);
    decoded.forEach((v, i) => expect(Math.abs(v - delta[i] * f)).toBeLessThanOrEqual(1 / scaleFor(CLIP)));
    expect(await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY)).toEqual({ round: 3, newest: 5 });
    expect(await contribute(base, store, model, [...events, ...events.map((e) => ({ ...e, id: (e.id ?? 0) + 5 }))], offered)).toBe('already-contributed');
  });

  test('a report the leader did not answer is kept, and a later page sends the same bytes again, once', async () => {
    const store = memoryStateStore();
    const { model, calls } = contributor();
    fl.state.answer = 503;
    expect(await contribute(base, store, model, events, offered)).toBe('report-kept');
    const kept = (await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY))!;
    expect(kept).toMatchObject({ round: 3, newest: 5, pending: { reportId: expect.stringMatching(/^[0-9a-f]{32}$/) } });

    fl.state.answer = 200;
    // A later page: no new history needed, no new update computed.
    expect(await contribute(base, store, model, events, offered)).toBe('resent');
    expect(calls.n).toBe(1);
    expect(fl.state.bodies).toHaveLength(1);
    expect(Buffer.compare(fl.state.bodies[0], kept.pending!.body)).toBe(0);
    expect(parseReport(fl.state.bodies[0]).reportId).toBe(kept.pending!.reportId);
    expect(await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY)).toEqual({ round: 3, newest: 5 });
    expect(await contribute(base, store, model, events, offered)).toBe('not-enough-history');
    expect(fl.state.bodies).toHaveLength(1);
  });

  test('a report the leader refuses for good is dropped, not sent again', async () => {
    const store = memoryStateStore();
    const { model } = contributor();
    fl.state.answer = 409;
    expect(await contribute(base, store, model, events, offered)).toBe('report-refused');
    expect(await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY)).toEqual({ round: 3, newest: 5 });
    expect(await contribute(base, store, model, events, offered)).toBe('not-enough-history');
    expect(fl.state.bodies).toHaveLength(1);
  });

  test('without the helper’s key the device computes nothing, sends nothing and keeps nothing', async () => {
    fl.state.round = round(3, { secagg: null });
    const store = memoryStateStore();
    const { model, calls } = contributor();
    expect(await contribute(base, store, model, events, offered)).toBe('helper-unavailable');
    expect(calls.n).toBe(0);
    expect(fl.state.requests).toEqual(['GET /fl/round']);
    expect(store.keys()).toEqual([]);
  });
});
