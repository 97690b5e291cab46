// What every evaluation protocol starts from: the dataset, its leave-last-out split, the model.
import type { ModelJson } from '../../src/model/plain/artifact';
import type { ModelConfig } from '../../src/model/plain/config';
import type { EventLike, ItemCodes } from '../../src/model/plain/features';
import { INTEREST_ROWS } from '../../src/shared/events';
import { weightsFromArrays } from '../../src/model/tensors';
import { weightSpecs, type Weights } from '../../src/model/weights';
import type { Sequence } from '../../src/model/plain/batch';
import { readArtifact } from './artifact-io';
import { coPrior, readCoOccurrence } from '../../src/model/plain/co-occurrence';
import type { AddPrior } from '../../src/model/plain/co-key';
import { catalogCoPrior } from './co-occurrence';
import { catalogCodes } from './catalog-tensors';
import { loadDataset, type Dataset } from './dataset';
import { leaveLastOut, type Case, type Split } from './split';

export interface EvalContext {
  ds: Dataset;
  split: Split;
  /** The cases scored: the test targets, or the validation targets when tuning. */
  cases: Case[];
  target: 'test' | 'valid';
  model: {
    json: ModelJson;
    cfg: ModelConfig;
    w: Weights;
    codes: ItemCodes;
    /** The artifact's co-occurrence prior, for a ranker (createRanker) and over the whole catalog (scoreAll). */
    rankPrior: AddPrior | null;
    prior: ((history: Sequence, scores: Float32Array) => void) | null;
  };
  /** Top-level category per item (-1 when unknown). */
  topCategory: Int32Array;
  seed: number;
  log: (line: string) => void;
}

export async function evalContext(
  modelDir: string,
  dataDir: string,
  seed: number,
  log: (line: string) => void,
  target: 'test' | 'valid' = 'test',
): Promise<EvalContext> {
  const [artifact, ds] = await Promise.all([readArtifact(modelDir), loadDataset(dataDir)]);
  const cfg = artifact.json.config;
  const w = weightsFromArrays(weightSpecs(cfg), artifact.weights);
  const split = leaveLastOut(ds.users);
  const codes = catalogCodes(ds.items, cfg);
  const co = readCoOccurrence(artifact.weights);
  return {
    ds,
    split,
    cases: target === 'test' ? split.test : split.valid,
    target,
    model: {
      json: artifact.json,
      cfg,
      w,
      codes,
      rankPrior: co && coPrior(co),
      prior: co && catalogCoPrior(co, codes, cfg.maxLen),
    },
    topCategory: topCategories(ds),
    seed,
    log,
  };
}

function topCategories(ds: Dataset): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(ds.items, (item) => {
    const top = (item.category ?? '').split('>')[0].trim();
    if (!top) return -1;
    if (!ids.has(top)) ids.set(top, ids.size);
    return ids.get(top)!;
  });
}

const TYPE_NAMES: string[] = [];
for (const [name, row] of Object.entries(INTEREST_ROWS)) TYPE_NAMES[row] ??= name;

/** A history as the widget would hold it: events with item features. */
export function historyEvents(ds: Dataset, seq: Sequence): EventLike[] {
  return Array.from(seq.items, (item, i) => ({ ...ds.items[item], type: TYPE_NAMES[seq.types[i]] ?? 'view_item' }));
}
