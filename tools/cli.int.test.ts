// The train and eval commands end to end on the tiny fixture dataset, the way a user runs them.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { epsilonAfter } from '../src/privacy/accountant';
import { SERVER_OPTIMIZER_DEFAULTS } from '../src/privacy/server-optimizer';
import { LOCAL_UPDATE_DEFAULTS } from '../src/model/train/local-update';
import type { NamedArray } from '../src/model/plain/artifact';
import { readArtifact } from './lib/artifact-io';
import { runTool } from './testing/run-tool';

const FIXTURE = 'tools/fixtures/tiny';
const run = (...args: string[]) => runTool(args);

describe('train + eval on the tiny fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-cli-'));
  const model = join(dir, 'model');
  beforeAll(() => {
    run('train', '--data', FIXTURE, '--out', model, '--epochs', '12', '--dim', '16', '--max-len', '8', '--blocks', '1', '--item-buckets', '256', '--negatives', '64', '--batch', '16', '--lr', '0.01');
  }, 120_000);

  test('train writes a loadable artifact with provenance', () => {
    const json = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    expect(json.format).toBe('shelfwise-model');
    expect(json.config.dim).toBe(16);
    expect(json.training.dataset).toBe('tiny');
    expect(existsSync(join(model, 'weights.bin'))).toBe(true);
  });

  test('full protocol: JSON shape, dump, and the model learns the chain better than popularity', () => {
    const out = join(dir, 'full.json');
    const dump = join(dir, 'rank.jsonl');
    run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'full', '--json', out, '--dump', dump, '--seed', '1');
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r).toMatchObject({ protocol: 'full', dataset: 'tiny', users: 40 });
    expect(Object.keys(r.metrics)).toEqual(['HR@10', 'NDCG@10', 'MRR@10', 'HR@20', 'MRR@20']);
    expect(Object.keys(r.baselines).sort()).toEqual(['itemknn', 'popularity', 'sknn']);
    expect(r.breakdown.cold_start.users).toBeGreaterThan(0);
    expect(r.metrics['NDCG@10']).toBeGreaterThan(r.baselines.popularity['NDCG@10']);
    const lines = readFileSync(dump, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40);
    expect(lines[0].ranked).toHaveLength(20);
    expect(typeof r.seconds).toBe('number');
  });

  test('rerank and adapt protocols report the model beside the server orders / the global model', () => {
    const rerank = join(dir, 'rerank.json');
    run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'rerank', '--json', rerank);
    const r = JSON.parse(readFileSync(rerank, 'utf8'));
    expect(Object.keys(r.baselines)).toEqual(expect.arrayContaining(['server_popularity', 'server_itemknn', 'sknn']));
    const adapt = join(dir, 'adapt.json');
    run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'adapt', '--json', adapt);
    const a = JSON.parse(readFileSync(adapt, 'utf8'));
    expect(a.baselines.global_model).toBeDefined();
    expect(a.breakdown.by_history_length).toBeDefined();
  });

  test('explain protocol: the widget\'s reasons against a random event and two heuristics', () => {
    const out = join(dir, 'explain.json');
    run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'explain', '--json', out);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r).toMatchObject({ protocol: 'explain', users: 40, items: 40 * 8 });
    expect(r.breakdown.compared).toBeGreaterThan(100);
    // Leave-one-out cites the event whose removal costs the item most: no random event beats it.
    expect(r.faithfulness).toBeGreaterThanOrEqual(0.9);
    expect(r.faithfulness).toBeGreaterThan(r.baselines.newest_event);
    expect(r.faithfulness).toBeGreaterThan(r.baselines.newest_same_category);
  });

  test('cross protocol: the cross-category test users, against the co-purchase order and SKNN', () => {
    const out = join(dir, 'cross.json');
    run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'cross', '--json', out);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    // The fixture's 8 users whose last event jumps to the next letter (see its README).
    expect(r).toMatchObject({ protocol: 'cross', dataset: 'tiny', users: 8 });
    expect(Object.keys(r.baselines)).toEqual(['server_copurchase', 'server_popularity', 'server_itemknn', 'sknn']);
    // Two other top-level categories, less the history: fewer than 100 candidates, all of them.
    expect(r.breakdown.candidates_per_user).toBeGreaterThan(20);
    expect(r.breakdown.candidates_per_user).toBeLessThanOrEqual(100);
    expect(r.breakdown.top_level_categories).toBe(3);
    expect(Object.keys(r.breakdown.model_context_as_cart)).toEqual(Object.keys(r.metrics));
    expect(() => run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'cross', '--json', out, '--ranker', 'tfjs')).toThrow(/--ranker applies to --protocol rerank/);
  });

  test('simulate: federated vs centralized from one start, with the privacy spent', () => {
    const out = join(dir, 'sim.json');
    const start = join(dir, 'start');
    const args = ['--data', FIXTURE, '--json', out, '--cohort', '10', '--rounds', '2', '--noise', '2', '--clip', '0.5', '--epsilon', '8', '--threads', '1', '--start-model', start];
    run('simulate', ...args);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    // Every option reaches the run, and the JSON records the recipe it ran with.
    expect(r).toMatchObject({ dataset: 'tiny', rounds: 2, clients_per_round: 10, sample_rate: 10 / 40, delta: 1e-5, noise_multiplier: 2, clip_norm: 0.5 });
    expect(r.epsilon).toBeCloseTo(epsilonAfter(10 / 40, 2, 2, 1e-5), 10);
    expect(r.server).toEqual(SERVER_OPTIMIZER_DEFAULTS);
    expect(r.local).toEqual(LOCAL_UPDATE_DEFAULTS);
    for (const m of [r.federated, r.centralized, r.start]) expect(Object.keys(m)).toEqual(['HR@10', 'NDCG@10', 'MRR@10', 'HR@20', 'MRR@20']);
    expect(r.central_epochs).toBeGreaterThan(0); // trained in its own thread beside the rounds
    expect(typeof r.seconds).toBe('number');
    // The saved start is reused, and refused for another volunteer share.
    run('simulate', ...args);
    expect(() => run('simulate', ...args, '--public-share', '0.5')).toThrow(/--start-model .* was made for/);
  }, 240_000);

  test('simulate --help lists a dozen options or fewer, and an option it does not list is refused', () => {
    const options = run('simulate', '--help').match(/^ {2}--[a-z-]+/gm) ?? [];
    expect(options.length).toBeGreaterThanOrEqual(10);
    expect(options.length).toBeLessThanOrEqual(12);
    expect(() => run('simulate', '--data', FIXTURE, '--json', join(dir, 'x.json'), '--server-beta1', '0.8')).toThrow(/unknown option --server-beta1/);
  });

  test('co-occurrence: a prior fitted to a trained network leaves the network as it was', async () => {
    const out = join(dir, 'with-prior');
    const said = run('co-occurrence', '--model', model, '--data', FIXTURE, '--out', out);
    const [before, after] = await Promise.all([readArtifact(model), readArtifact(out)]);
    const network = (ws: NamedArray[]) => ws.filter((a) => !a.name.startsWith('co/')).map((a) => [a.name, Array.from(a.data)]);
    expect(network(after.weights)).toEqual(network(before.weights));
    const record = after.json.training!.coOccurrence as { items: number; weight: number; validNdcg10: Record<string, number> } | undefined;
    // The fixture's shoppers buy in chains, which co-occurrence sees at once.
    expect(record, said).toBeDefined();
    expect(record!.weight).toBeGreaterThan(0);
    expect(record!.validNdcg10[String(record!.weight)]).toBeGreaterThan(record!.validNdcg10['0']);
    expect(after.weights.filter((a) => a.name.startsWith('co/')).map((a) => a.name)).toEqual(['co/keys', 'co/neighbours', 'co/sims', 'co/params']);
    const none = join(dir, 'no-prior');
    run('co-occurrence', '--model', out, '--data', FIXTURE, '--out', none, '--neighbours', '0');
    expect((await readArtifact(none)).weights.some((a) => a.name.startsWith('co/'))).toBe(false);
    expect(() => run('co-occurrence', '--data', FIXTURE, '--out', none)).toThrow(/--model is required/);
  });

  test('bad input gets a clear error', () => {
    expect(() => run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'nope', '--json', join(dir, 'x.json'))).toThrow(/--protocol must be one of/);
    expect(() => run('train', '--data', join(dir, 'missing'), '--out', model)).toThrow(/no events.csv/);
  });
}, 300_000);
