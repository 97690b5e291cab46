// A device's contribution, end to end in Node: the real sync client talks HTTP to an in-process
// aggregation endpoint, the real learner (fixture model, CPU backend) computes the update, and the
// store's state area lives in memory.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { decodeUpdate, clipToNorm, l2norm, scaleFor } from '../privacy/fixed-point';
import { federatedNames } from '../model/plain/federated-weights';
import { weightSpecs } from '../model/weights';
import { ITEMS, LONG_HISTORY, TINY } from '../model/testing/fixture';
import { fixtureArtifact } from '../model/testing/fixture-weights';
import { LAST_CONTRIBUTION_KEY } from '../shared/storage-keys';
import type { RoundInfo } from '../sync/wire';
import { contribute, type History, type LastContribution } from './federate';
import { MIN_NEW_EVENTS } from './contribution-rules';
import type { OfferedNegatives } from './personal';
import { createLearner, type Learner } from './learner';
import { memoryStateStore } from './test-state-store';

interface Upload {
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

/** The aggregation server's device-facing side: the round it announces, the uploads it got. */
function flEndpoint() {
  const state = { round: undefined as RoundInfo | undefined, uploads: [] as Upload[], requests: [] as string[], failUploads: false };
  const server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/fl/round') return reply(200, state.round);
    if (req.method !== 'POST' || req.url !== '/fl/update') return reply(404, { error: 'not found' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.failUploads) return reply(503, { error: 'busy' });
      state.uploads.push({ headers: req.headers, body: new Uint8Array(Buffer.concat(chunks)) });
      reply(200, { accepted: true, round: state.round?.round, received: state.uploads.length, cohort: 10 });
    });
  });
  return {
    state,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fl`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const NAMES = federatedNames(weightSpecs(TINY), 'dense');
const LENGTH = weightSpecs(TINY).filter((s) => NAMES.includes(s.name)).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
const CLIP = 0.01;

function openRound(round: number, version: string, changes: Partial<RoundInfo> = {}): RoundInfo {
  return {
    round,
    status: 'open',
    model: { version, sha256: '0'.repeat(64) },
    cohort: 10,
    received: 0,
    clipNorm: CLIP,
    noiseMultiplier: 1,
    deadline: new Date(0).toISOString(),
    weights: NAMES,
    length: LENGTH,
    encoding: 'int16-fixed',
    scale: scaleFor(CLIP),
    aggregation: 'central',
    ...changes,
  };
}

/** Interest events with the store's record ids `first`, `first + 1`, … */
const history = (events: typeof LONG_HISTORY, first = 1): History => events.map((e, i) => ({ ...e, id: first + i }));
const negatives = ITEMS.slice(14, 24);
const offered: OfferedNegatives = { items: negatives, weights: negatives.map((_, i) => 1 + (i % 3)) };

// Loaded and compiled on the first local update: slow on a busy machine.
describe('contribute', { timeout: 30_000 }, () => {
  const fl = flEndpoint();
  let base: string;
  let learner: Learner;
  beforeAll(async () => {
    base = await fl.listen();
    learner = await createLearner(await fixtureArtifact(), ['cpu']);
  }, 60_000);
  afterAll(async () => {
    learner?.dispose();
    await fl.close();
  });
  beforeEach(() => {
    Object.assign(fl.state, { round: openRound(7, learner.version), uploads: [], requests: [], failUploads: false });
  });

  test("sends the clipped, encoded update of the round's weights with a one-time token, and marks the round", async () => {
    const store = memoryStateStore();
    const events = history(LONG_HISTORY);
    expect(await contribute(base, store, learner, events, offered)).toBe('sent');

    expect(fl.state.uploads).toHaveLength(1);
    const [{ headers, body }] = fl.state.uploads;
    expect(headers['content-type']).toBe('application/vnd.shelfwise.update');
    expect(headers['x-shelfwise-round']).toBe('7');
    expect(headers['x-shelfwise-model']).toBe(learner.version);
    expect(headers['x-shelfwise-token']).toMatch(/^[0-9a-f]{32}$/);
    const update = decodeUpdate(body, LENGTH, scaleFor(CLIP));
    if (typeof update === 'string') throw new Error(update);
    const expected = (await learner.localDelta(NAMES, events, offered))!;
    expect(l2norm(expected)).toBeGreaterThan(CLIP); // so clipping is exercised
    clipToNorm(expected, CLIP);
    // Stochastic rounding: each value within one fixed-point step of the clipped update.
    expected.forEach((v, i) => expect(Math.abs(update[i] - v)).toBeLessThanOrEqual(1 / scaleFor(CLIP)));
    expect(await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY)).toEqual({ round: 7, newest: events.length });
  });

  test('a new token for every upload', async () => {
    await contribute(base, memoryStateStore(), learner, history(LONG_HISTORY), offered);
    await contribute(base, memoryStateStore(), learner, history(LONG_HISTORY), offered);
    const [a, b] = fl.state.uploads.map((u) => u.headers['x-shelfwise-token']);
    expect(a).not.toBe(b);
  });

  test(`waits for ${MIN_NEW_EVENTS} interest events newer than the last contribution, asking the server nothing`, async () => {
    const store = memoryStateStore();
    expect(await contribute(base, store, learner, history(LONG_HISTORY.slice(0, MIN_NEW_EVENTS - 1)), offered)).toBe('not-enough-history');
    expect(fl.state.requests).toEqual([]);

    const events = history(LONG_HISTORY);
    expect(await contribute(base, store, learner, events, offered)).toBe('sent');
    fl.state.round = openRound(8, learner.version);
    // The same window of records plus fewer new ones than needed: still not enough.
    const later = [...events, ...history(LONG_HISTORY.slice(0, MIN_NEW_EVENTS - 1), events.length + 1)];
    expect(await contribute(base, store, learner, later, offered)).toBe('not-enough-history');
    expect(fl.state.uploads).toHaveLength(1);
  });

  test('does nothing before any shelf was ranked: no negatives to learn from', async () => {
    const outcome = await contribute(base, memoryStateStore(), learner, history(LONG_HISTORY), { items: [], weights: [] });
    expect(outcome).toBe('nothing-offered-yet');
    expect(fl.state.requests).toEqual([]);
  });

  test('contributes once per round, and again in the next round', async () => {
    const store = memoryStateStore();
    const events = history(LONG_HISTORY);
    expect(await contribute(base, store, learner, events, offered)).toBe('sent');
    const more = [...events, ...history(LONG_HISTORY.slice(0, MIN_NEW_EVENTS), events.length + 1)];
    expect(await contribute(base, store, learner, more, offered)).toBe('already-contributed');
    expect(fl.state.uploads).toHaveLength(1);

    fl.state.round = openRound(8, learner.version);
    expect(await contribute(base, store, learner, more, offered)).toBe('sent');
    expect(fl.state.uploads.map((u) => u.headers['x-shelfwise-round'])).toEqual(['7', '8']);
    expect(await store.getState<LastContribution>(LAST_CONTRIBUTION_KEY)).toEqual({ round: 8, newest: more.length });
  });

  test('uploads nothing once the privacy budget is spent', async () => {
    fl.state.round = openRound(7, learner.version, { status: 'stopped' });
    const store = memoryStateStore();
    expect(await contribute(base, store, learner, history(LONG_HISTORY), offered)).toBe('stopped');
    expect(fl.state.uploads).toEqual([]);
    expect(store.keys()).toEqual([]);
  });

  test('uploads nothing computed on another model than the round’s', async () => {
    fl.state.round = openRound(7, 'a-newer-model');
    const store = memoryStateStore();
    expect(await contribute(base, store, learner, history(LONG_HISTORY), offered)).toBe('stale-model');
    expect(fl.state.uploads).toEqual([]);
    expect(store.keys()).toEqual([]);
  });

  test('uploads nothing that does not have the length the round expects', async () => {
    fl.state.round = openRound(7, learner.version, { length: LENGTH + 1 });
    const store = memoryStateStore();
    expect(await contribute(base, store, learner, history(LONG_HISTORY), offered)).toBe('not-enough-history');
    expect(fl.state.uploads).toEqual([]);
    expect(store.keys()).toEqual([]);
  });

  test('a failed upload still counts as the round’s attempt: the device never uploads twice in a round', async () => {
    fl.state.failUploads = true;
    const store = memoryStateStore();
    const events = history(LONG_HISTORY);
    await expect(contribute(base, store, learner, events, offered)).rejects.toThrow(/update: 503 busy/);
    fl.state.failUploads = false;
    const more = [...events, ...history(LONG_HISTORY.slice(0, MIN_NEW_EVENTS), events.length + 1)];
    expect(await contribute(base, store, learner, more, offered)).toBe('already-contributed');
    expect(fl.state.uploads).toEqual([]);
  });
});
