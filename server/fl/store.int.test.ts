// One behaviour suite for every store: the leader's (FlStore) and the helper's (HelperStore), on
// SQLite and on a real PostgreSQL server. Each test opens two handles on one database — two
// instances, as far as the store can tell — and the races between them must come out as one
// instance alone would have it: a token used once, one open round, a round closed once, one live
// key, a helper share computed (and its noise drawn) once. On PostgreSQL the two handles are two
// connection pools, as two server processes would have.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHelperService } from './helper';
import { openHelperStore, type HelperStore, type SeedRow } from './helper-store';
import { keyRing } from './helper-keys';
import { createLedger } from './ledger';
import { openPgHelperStore } from './pg-helper-store';
import { openPgStore } from './pg-store';
import { startPgCluster, type PgCluster } from './pg-test-cluster';
import { createRounds } from './rounds';
import { openSqliteStore } from './sqlite-store';
import type { FlStore, RoundRow } from './store';
import { createFlService } from './service';
import { INITIAL_MODEL, submit, tempDir, testConfig, validUpdate } from './fl-test-helpers';
import { seededWords } from './secagg-test-helpers';

let cluster: PgCluster;
let dbs = 0;
const cleanups: (() => unknown)[] = [];
beforeAll(async () => {
  cluster = await startPgCluster();
}, 60_000);
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  cluster?.stop();
});

interface Backend {
  /** Two handles on one fresh database. */
  leader(): Promise<[FlStore, FlStore]>;
  helper(): Promise<[HelperStore, HelperStore]>;
}

// SQLite is one process's file: both "instances" are its one connection, whose transactions queue.
const sqlite: Backend = {
  async leader() {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const store = openSqliteStore(join(tmp.dir, 'fl.db'));
    cleanups.push(() => store.close());
    return [store, store];
  },
  async helper() {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const store = openHelperStore(join(tmp.dir, 'h.db'));
    cleanups.push(() => store.close());
    return [store, store];
  },
};

const postgres: Backend = {
  async leader() {
    const url = await cluster.createDatabase(`leader${++dbs}`);
    // Opened together: both migrate the empty database at once, and the schema is made once.
    const pair = (await Promise.all([openPgStore(url), openPgStore(url)])) as [FlStore, FlStore];
    cleanups.push(() => pair.forEach((s) => s.close()));
    return pair;
  },
  async helper() {
    const url = await cluster.createDatabase(`helper${++dbs}`);
    const pair = (await Promise.all([openPgHelperStore(url), openPgHelperStore(url)])) as [HelperStore, HelperStore];
    cleanups.push(() => pair.forEach((s) => s.close()));
    return pair;
  },
};

const round = (at: number, over: Partial<RoundRow> = {}): Omit<RoundRow, 'id'> => ({
  modelVersion: 'v1', cohort: 3, clipNorm: 1, noiseMultiplier: 1, samplingRate: 0.003, deadline: at + 1000, status: 'open', createdAt: at, closedAt: null, ...over,
});
const bytes = (...v: number[]) => new Uint8Array(v);

describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
])('%s', (_name, backend) => {
  test('the leader’s store: uploads, tokens used for good, digests, forwarding, models in order, meta, optimizer state, counters', async () => {
    const [s] = await backend.leader();
    await s.transaction(async (tx) => {
      expect(await tx.latestRound()).toBeNull();
      expect(await tx.latestModel()).toBeNull();
      await tx.insertModel({ version: 'v1', round: null, sha256: 'a', json: '{}', weights: bytes(1, 2, 3), createdAt: 1 });
      await tx.insertModel({ version: 'v2', round: 1, sha256: 'b', json: '{"x":1}', weights: bytes(4), createdAt: 2 });
      const r1 = await tx.createRound(round(10));
      expect(r1).toMatchObject({ id: 1, status: 'open', deadline: 1010, samplingRate: 0.003 });
      expect(await tx.insertUpdate(r1.id, 't1', bytes(1, 1), 20)).toBe(true);
      expect(await tx.insertUpdate(r1.id, 't2', bytes(2, 2), 21)).toBe(true);
      expect(await tx.insertUpdate(r1.id, 't1', bytes(9), 22)).toBe(false);
      expect(await tx.countUpdates(r1.id)).toBe(2);
      expect(await tx.uploadTokens(r1.id)).toEqual(['t1', 't2']);
      expect(await tx.upload('t2')).toEqual({ round: 1, payload: bytes(2, 2) });
      await tx.insertReportDigest('t1', 1, 'd1');
      expect(await tx.reportDigest('t1')).toEqual({ round: 1, sha256: 'd1' });
      expect((await tx.unforwarded(1, 10)).map((u) => u.token)).toEqual(['t1', 't2']);
      await tx.markForwarded(['t1']);
      await tx.markForwarded(['t1']);
      expect(await tx.unforwarded(1, 10)).toEqual([{ token: 't2', payload: bytes(2, 2) }]);
      await tx.deleteUpload('t2');
      expect(await tx.insertUpdate(r1.id, 't2', bytes(2), 23)).toBe(false);
      await tx.closeRound(r1.id, 'aggregated', 30);
      await tx.deleteUpdates(r1.id);
      expect(await tx.countUpdates(r1.id)).toBe(0);
      expect(await tx.insertUpdate(2, 't1', bytes(1), 40)).toBe(false);
      await tx.createRound(round(50, { samplingRate: 0.5, noiseMultiplier: 2 }));
      expect(await tx.latestRound()).toMatchObject({ id: 2, status: 'open' });
      expect(await tx.aggregatedRounds()).toEqual([{ samplingRate: 0.003, noiseMultiplier: 1 }]);
      expect(await tx.latestModel()).toMatchObject({ version: 'v2', seq: 2, round: 1, json: '{"x":1}', weights: bytes(4) });
      expect(await tx.model('v1')).toMatchObject({ version: 'v1', seq: 1, weights: bytes(1, 2, 3) });
      expect(await tx.model('nope')).toBeNull();
      await tx.setMeta('k', 'a');
      await tx.setMeta('k', 'b');
      expect(await tx.meta('k')).toBe('b');
      await tx.saveOptimizerState('v1', bytes(1));
      await tx.saveOptimizerState('v2', bytes(2));
      expect(await tx.optimizerState('v1')).toBeNull();
      expect(await tx.optimizerState('v2')).toEqual(bytes(2));
      await tx.bump('accepted');
      await tx.bump('accepted', 4);
      expect(await tx.counters()).toEqual({ accepted: 5 });
    });
  });

  test('a transaction that throws leaves nothing behind', async () => {
    const [s] = await backend.leader();
    await expect(
      s.transaction(async (tx) => {
        await tx.createRound(round(1));
        await tx.bump('accepted');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.transaction(async (tx) => [await tx.latestRound(), await tx.counters()])).toEqual([null, {}]);
  });

  test('two instances racing: a token is accepted once; one round is opened; an expired round is abandoned once', async () => {
    const [a, b] = await backend.leader();
    const wins = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).transaction((tx) => tx.insertUpdate(99, 'same', bytes(i), i))));
    expect(wins.filter(Boolean)).toHaveLength(1);

    let t = 1_000_000;
    const cfg = testConfig({ roundSeconds: 10 });
    const rounds = createRounds({ cfg, ledger: createLedger(cfg), now: () => t });
    await a.transaction((tx) => tx.insertModel({ version: 'v1', round: null, sha256: 'a', json: '{}', weights: bytes(1), createdAt: 1 }));
    const opened = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).transaction((tx) => rounds.current(tx))));
    expect(new Set(opened.map((r) => r!.id)).size).toBe(1);
    t += 11_000; // past the deadline: every instance finds it expired
    const next = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).transaction((tx) => rounds.current(tx))));
    expect(new Set(next.map((r) => r!.id))).toEqual(new Set([opened[0]!.id + 1]));
    expect(await b.transaction((tx) => tx.counters())).toEqual({ abandoned: 1, discarded: 0 });
  });

  test('two instances admitting to one round never take more than the cohort', async () => {
    const [a, b] = await backend.leader();
    const r = await a.transaction((tx) => tx.createRound(round(1, { cohort: 5 })));
    const admit = (s: FlStore, i: number) =>
      s.transaction(async (tx) => {
        await tx.lockRound(r.id);
        if ((await tx.countUpdates(r.id)) >= 5) return false;
        return tx.insertUpdate(r.id, `t${i}`, bytes(i), i);
      });
    const admitted = await Promise.all(Array.from({ length: 20 }, (_, i) => admit(i % 2 ? a : b, i)));
    expect(admitted.filter(Boolean)).toHaveLength(5);
    expect(await b.transaction((tx) => tx.countUpdates(r.id))).toBe(5);

    // As the leader admits: the report written, then a place taken, refused past the cohort.
    const r2 = await a.transaction(async (tx) => {
      await tx.closeRound(r.id, 'aggregated', 3);
      return tx.createRound(round(3, { cohort: 5 }));
    });
    const late = (store: FlStore, i: number) =>
      store
        .transaction(async (tx) => {
          await tx.insertUpdate(r2.id, `u${i}`, bytes(i), i);
          if (!(await tx.admit(r2.id, 5, `u${i}`))) throw new Error('full');
          return true;
        })
        .catch(() => false);
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => late(i % 2 ? a : b, i)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    const held = await b.transaction((tx) => tx.uploadTokens(r2.id));
    expect(held).toHaveLength(5);
    // A deleted upload (the helper refused it) gives its place back: one more is taken, no more.
    await a.transaction((tx) => tx.deleteUpload(held[0]));
    expect(await Promise.all([late(a, 100), late(b, 101)]).then((t) => t.filter(Boolean).length)).toBe(1);
    expect(await b.transaction((tx) => tx.countUpdates(r2.id))).toBe(5);
  });

  test('the helper’s store: keys, seeds, used report ids, shares, pruning, counters', async () => {
    const [s] = await backend.helper();
    const seed = (id: string, at: number): SeedRow => ({ reportId: id, round: 1, modelVersion: 'v1', width: 24, length: 4, seed: bytes(1, 2), receivedAt: at });
    await s.transaction(async (tx) => {
      await tx.insertKey({ keyId: 0, pair: '{"a":1}', createdAt: 5, retiredAt: null });
      await tx.retireKey(0, 9);
      await tx.insertKey({ keyId: 1, pair: '{"b":1}', createdAt: 10, retiredAt: null });
      expect(await tx.keys()).toEqual([{ keyId: 1, pair: '{"b":1}', createdAt: 10, retiredAt: null }, { keyId: 0, pair: '{"a":1}', createdAt: 5, retiredAt: 9 }]);
      await tx.deleteKey(0);
      expect((await tx.keys()).map((k) => k.keyId)).toEqual([1]);
      await tx.insertSeed(seed('r1', 100));
      await tx.insertSeed(seed('r2', 200));
      expect(await tx.seed('r1')).toEqual(seed('r1', 100));
      expect(await tx.countSeeds()).toBe(2);
      expect(await tx.pruneSeeds(150)).toBe(1);
      expect(await tx.seed('r1')).toBeNull();
      expect(await tx.usedIn('r2')).toBeNull();
      await tx.markUsed('r2', 1);
      expect(await tx.usedIn('r2')).toBe(1);
      await tx.deleteSeed('r2');
      expect(await tx.countSeeds()).toBe(0);
      const share = { round: 1, modelVersion: 'v1', setSha256: 'x', reports: 2, noiseMultiplier: 1, samplingRate: 0.01, share: bytes(7, 7), createdAt: 300 };
      await tx.insertAggregate(share);
      expect(await tx.aggregate(1)).toEqual(share);
      expect(await tx.aggregate(2)).toBeNull();
      expect(await tx.aggregatedRounds()).toEqual([{ samplingRate: 0.01, noiseMultiplier: 1 }]);
      await tx.bump('seeds accepted', 2);
      expect(await tx.counters()).toEqual({ 'seeds accepted': 2 });
    });
  });

  test('two helper instances: one live key between them; a round asked of both at once is summed once, with one noise draw, and both answer the same share', async () => {
    const [a, b] = await backend.helper();
    const settings = { keySeconds: 3600, keyGraceSeconds: 7200 };
    const rings = await Promise.all([keyRing(a, settings, 1000), keyRing(b, settings, 1000), keyRing(a, settings, 1000)]);
    expect(new Set(rings.map((r) => r.current.config.keyId)).size).toBe(1);
    expect(await a.transaction(async (tx) => (await tx.keys()).length)).toBe(1);

    const cfg = testConfig({ cohort: 2 });
    let draws = 0;
    const noiseSource = () => {
      draws++;
      return seededWords(draws);
    };
    const services = [a, b].map((store) => createHelperService({ cfg, settings, store, now: () => 1000, noiseSource }));
    const ids = ['0'.repeat(31) + '1', '0'.repeat(31) + '2'];
    await a.transaction(async (tx) => {
      for (const id of ids) await tx.insertSeed({ reportId: id, round: 1, modelVersion: 'v1', width: 24, length: 8, seed: new Uint8Array(32).fill(id.length), receivedAt: 1000 });
    });
    const request = { round: 1, modelVersion: 'v1', width: 24, length: 8, reportIds: ids };
    const answers = await Promise.all([services[0].aggregate(request), services[1].aggregate(request), services[1].aggregate(request)]);
    expect(draws).toBe(1);
    expect(new Set(answers.map((x) => x.share)).size).toBe(1);
    expect(await b.transaction(async (tx) => [await tx.counters(), await tx.aggregatedRounds(), await tx.countSeeds()])).toEqual([
      { 'rounds aggregated': 1 },
      [{ samplingRate: cfg.cohort / cfg.population, noiseMultiplier: cfg.noiseMultiplier }],
      0,
    ]);
  });
});

describe('central mode on PostgreSQL', () => {
  test('two server instances taking uploads at once: the round takes K, aggregates once, publishes one version and charges one round', async () => {
    const [a, b] = await postgres.leader();
    const cfg = testConfig({ cohort: 4, weights: 'dense' });
    const services = await Promise.all([a, b].map((store) => createFlService({ cfg, store, initialModel: INITIAL_MODEL })));
    const info = await services[0].round();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        submit(services[i % 2], info, validUpdate(info, i + 1)).then(
          () => 'accepted',
          (err: Error) => err.message,
        ),
      ),
    );
    expect(answers.filter((x) => x === 'accepted')).toHaveLength(4);
    expect(answers.filter((x) => x !== 'accepted').every((m) => /round 1 is not open/.test(m))).toBe(true);
    const statuses = await Promise.all(services.map((s) => s.status()));
    expect(statuses[0]).toEqual(statuses[1]);
    expect(statuses[0]).toMatchObject({ roundsCompleted: 1, updatesAccepted: 4, round: 2 });
    expect(await a.transaction(async (tx) => [(await tx.latestModel())!.round, (await tx.aggregatedRounds()).length])).toEqual([1, 1]);
  });
});

describe('PostgreSQL schema', () => {
  test('is versioned, migrated once by instances starting together, and a leader and a helper never share a database', async () => {
    const url = await cluster.createDatabase('shared');
    const stores = await Promise.all([openPgStore(url), openPgStore(url), openPgStore(url)]);
    stores.forEach((s) => s.close());
    const again = await openPgStore(url);
    again.close();
    await expect(openPgHelperStore(url)).rejects.toThrow(/holds the leader's tables; the helper needs a database of its own/);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    expect((await admin.query('SELECT component, version FROM shelfwise_schema')).rows).toEqual([{ component: 'leader', version: 3 }]);
    await admin.query("UPDATE shelfwise_schema SET version = 99");
    await admin.end();
    await expect(openPgStore(url)).rejects.toThrow(/schema is version 99, newer than this server's 3: upgrade the server/);
    await expect(openPgStore('mysql://x')).rejects.toThrow(/must start with postgres:\/\//);
  });
});
