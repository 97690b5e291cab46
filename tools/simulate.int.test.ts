// `npm run simulate` on the tiny fixture in both aggregation modes, the way a user runs it: the
// JSON says which mode ran, and in two-aggregator mode the ring, the reports both aggregators
// summed and the noise each added; ε is charged for one aggregator's noise.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { epsilonAfter } from '../src/privacy/accountant';
import { runTool } from './testing/run-tool';

const FIXTURE = 'tools/fixtures/tiny';
const run = (...args: string[]) => runTool(['simulate', ...args]);

describe('simulate --aggregation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-simulate-'));
  const common = ['--data', FIXTURE, '--cohort', '12', '--rounds', '3', '--noise', '1.5', '--epsilon', '8', '--threads', '2', '--start-model', join(dir, 'start')];
  const simulate = (mode: string) => {
    const out = join(dir, `${mode}.json`);
    const log = run(...common, '--aggregation', mode, '--json', out);
    return { r: JSON.parse(readFileSync(out, 'utf8')), log };
  };

  test('two-aggregator: devices report, the two aggregators sum and noise their shares, ε is for one of them', () => {
    const { r, log } = simulate('two-aggregator');
    expect(r).toMatchObject({ aggregation: 'two-aggregator', rounds: 3, clients_per_round: 12, noise_multiplier: 1.5, ring_width: 24, refused_rounds: [] });
    expect(r.released_noise_multiplier).toBeCloseTo(1.5 * Math.SQRT2, 12);
    expect(r.epsilon).toBeCloseTo(epsilonAfter(12 / 40, 1.5, 3, 1e-5), 10);
    // Poisson cohorts of 12 expected, from clients with enough history: a few dozen reports in all.
    expect(r.updates).toBeGreaterThan(10);
    expect(r.ring_max_reports).toBeGreaterThanOrEqual(40);
    expect(r.round_seconds.max).toBeGreaterThan(0);
    expect(log).toMatch(/round 3\/3: \d+ reports/);
    expect(r.federated['NDCG@10']).toBeGreaterThan(0);
    expect(r.federated).not.toEqual(r.start);
  }, 240_000);

  test('central: one server, no ring, noise z·C once', () => {
    const { r, log } = simulate('central');
    expect(r).toMatchObject({ aggregation: 'central', noise_multiplier: 1.5, released_noise_multiplier: 1.5, refused_rounds: [] });
    expect(r.ring_width).toBeUndefined();
    expect(log).toMatch(/round 3\/3: \d+ updates/);
    // The fixture's pairs make the volunteers' prior worth keeping; it is then applied to every model.
    expect(r.with_prior.prior.weight).toBeGreaterThan(0);
    expect(r.with_prior.models.start['NDCG@10']).not.toBe(r.start['NDCG@10']);
    expect(r.with_prior.ratio_ndcg10).toBeCloseTo(r.with_prior.models.federated['NDCG@10'] / r.with_prior.models.centralized['NDCG@10'], 12);
    expect(() => run(...common, '--aggregation', 'three', '--json', join(dir, 'x.json'))).toThrow(/--aggregation must be one of central, two-aggregator/);
  }, 240_000);
});
