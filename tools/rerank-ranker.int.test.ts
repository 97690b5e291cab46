// `eval --protocol rerank` ranks through the widget's TF.js-free path or through TF.js: on the
// tiny fixture both must report the same metrics, for the trained demo model (uint8), for a
// float32 model whose window (3 events) is shorter than most histories, and for that model with a
// co-occurrence prior built from the fixture's training split.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEMO_CONFIG, type ModelConfig } from '../src/model/plain/config';
import { weightsToArrays } from '../src/model/tensors';
import { createWeights, disposeWeights, weightSpecs } from '../src/model/weights';
import { scaledWeights } from '../src/model/testing/rank-cases';
import { writeArtifact } from './lib/artifact-io';
import { coArrays } from '../src/model/plain/co-occurrence';
import { catalogCodes } from './lib/catalog-tensors';
import { buildCoOccurrence } from './lib/co-occurrence';
import { loadDataset } from './lib/dataset';
import { leaveLastOut } from './lib/split';
import { runTool } from './testing/run-tool';

const FIXTURE = 'tools/fixtures/tiny';
const run = (...args: string[]) => runTool(args);

describe('eval --protocol rerank through either ranker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-rerank-'));
  const shortWindow = join(dir, 'short-window');
  const withPrior = join(dir, 'with-prior');
  beforeAll(async () => {
    const cfg: ModelConfig = { ...DEMO_CONFIG, maxLen: 3, blocks: 2, heads: 2 };
    const w = createWeights(weightSpecs(cfg), 4);
    const arrays = scaledWeights(await weightsToArrays(w), 9);
    disposeWeights(w);
    await writeArtifact(shortWindow, cfg, arrays, { name: 'short-window' });
    const ds = await loadDataset(FIXTURE);
    const co = buildCoOccurrence(catalogCodes(ds.items, cfg).keys!, leaveLastOut(ds.users).train, { k: 10, recent: 5, weight: 4 });
    await writeArtifact(withPrior, cfg, [...arrays, ...coArrays(co)], { name: 'with-prior' });
  });

  const evaluate = (model: string, ranker: string) => {
    const out = join(dir, `${ranker}-${model.replace(/\W/g, '_')}.json`);
    run('eval', '--model', model, '--data', FIXTURE, '--protocol', 'rerank', '--json', out, '--ranker', ranker);
    return JSON.parse(readFileSync(out, 'utf8'));
  };

  const results = new Map<string, { metrics: Record<string, number> }>();
  test.each([
    ['the demo model', 'models/demo'],
    ['a model with a 3-event window', shortWindow],
    ['that model with a co-occurrence prior', withPrior],
  ])('%s: same metrics', (_, model) => {
    const plain = evaluate(model, 'plain');
    const tfjs = evaluate(model, 'tfjs');
    expect(plain.ranker).toBe('plain');
    expect(tfjs.ranker).toBe('tfjs');
    expect(plain.users).toBe(40);
    expect(plain.metrics['NDCG@10']).toBeGreaterThan(0);
    expect(plain.metrics).toEqual(tfjs.metrics);
    expect(plain.breakdown).toEqual(tfjs.breakdown);
    results.set(model, plain);
  }, 120_000);

  test('the prior takes part in both rankings', () => {
    expect(results.get(withPrior)!.metrics).not.toEqual(results.get(shortWindow)!.metrics);
  });

  test('a bad --ranker, or one given to another protocol, gets a clear error', () => {
    const out = join(dir, 'x.json');
    expect(() => run('eval', '--model', 'models/demo', '--data', FIXTURE, '--protocol', 'rerank', '--json', out, '--ranker', 'gpu')).toThrow(/--ranker must be one of plain, tfjs/);
    expect(() => run('eval', '--model', 'models/demo', '--data', FIXTURE, '--protocol', 'full', '--json', out, '--ranker', 'tfjs')).toThrow(/--ranker applies to --protocol rerank/);
  });
}, 300_000);
