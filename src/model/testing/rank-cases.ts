// Random shoppers and shelves for checking the TF.js-free ranking path against TF.js, and for
// timing both: histories of every length around the model's window with non-interest events mixed
// in, candidates with unseen ids and missing features, optional personal vectors, and weights
// whose every entry matters.
import type { ModelConfig } from '../plain/config';
import { DEMO_CONFIG } from '../plain/config';
import type { NamedArray } from '../plain/artifact';
import type { EventLike, ItemLike } from '../plain/features';
import { CATALOG_CONFIG } from '../../../tools/lib/presets';
import { INTEREST_EVENTS } from '../../shared/events';
import { pick, rng, type Random } from '../../shared/random';
import { CO_MAX_ITEMS, coArrays } from '../plain/co-occurrence';
import { coKey } from '../plain/co-key';

/** The catalog preset at Beauty's size: dim 64, two blocks, a 20-event window, 16384 item rows. */
export const BEAUTY_CONFIG: ModelConfig = { ...CATALOG_CONFIG, itemBuckets: 16384 };

export const RANK_CONFIGS: [string, ModelConfig][] = [
  ['demo', DEMO_CONFIG],
  ['beauty', BEAUTY_CONFIG],
  // Neither ships with several heads; the network supports them.
  ['four-head', { ...DEMO_CONFIG, heads: 4, blocks: 2, maxLen: 12, ffnMult: 3 }],
];

export interface RankCase {
  label: string;
  history: EventLike[];
  candidates: ItemLike[];
  personal?: Float32Array;
}

const NOT_INTEREST = ['view_item_list', 'remove_from_cart', 'shelfwise_impression'];
const CATEGORY_WORDS = ['Beauty', 'Skin', 'Hair', 'Serum', 'Night', 'Outdoor', 'Tents', 'Kitchen'];

function randomItem(id: string, random: Random): ItemLike {
  const levels = Math.floor(random() * 5); // 0: no category; up to 4 levels (deeper than any config reads)
  const category = Array.from({ length: levels }, () => pick(CATEGORY_WORDS, random)).join('>');
  const item: ItemLike = { item_id: id };
  if (category) item.category = category;
  if (random() < 0.85) item.brand = `brand-${Math.floor(random() * 40)}`;
  return item;
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** History lengths (interest events) around the window, and one history with no interest at all. */
function lengths(cfg: ModelConfig): number[] {
  return [0, 1, 2, cfg.maxLen - 1, cfg.maxLen, cfg.maxLen + 3, 3 * cfg.maxLen];
}

/** Every history length once without and once with a personal vector, plus a page that only
 *  showed lists (no interest event) with a personal vector: the prior must rank it alone. */
export function rankCases(cfg: ModelConfig, seed: number, candidates = 100): RankCase[] {
  const random = rng(seed);
  const catalog = Array.from({ length: CATALOG }, (_, i) => randomItem(`P${i}`, random));
  const event = (type: string): EventLike => ({ ...pick(catalog, random), type });
  const history = (interest: number): EventLike[] => {
    const out: EventLike[] = [];
    for (let seen = 0; seen < interest; ) {
      const interesting = random() >= 0.3;
      if (interesting) seen++;
      out.push(event(interesting ? pick(INTEREST_EVENTS, random) : pick(NOT_INTEREST, random)));
    }
    if (interest > 0) out.push(event(pick(NOT_INTEREST, random))); // the newest event is not read
    return out;
  };
  const shelf = (): ItemLike[] => {
    const out = Array.from({ length: candidates - 16 }, () => pick(catalog, random));
    for (let k = 0; out.length < candidates - 1; k++) out.push(randomItem(`NEW-${seed}-${k}`, random));
    out.push(out[Math.floor(random() * out.length)]); // the same product twice
    return out;
  };
  const personal = () => Float32Array.from({ length: cfg.dim }, () => 0.5 * normal(random));
  const cases: RankCase[] = [];
  for (const n of lengths(cfg)) {
    cases.push({ label: `${n} interest events`, history: history(n), candidates: shelf() });
    cases.push({ label: `${n} interest events, personal vector`, history: history(n), candidates: shelf(), personal: personal() });
  }
  const lists = Array.from({ length: 5 }, () => event(pick(NOT_INTEREST, random)));
  cases.push({ label: 'list views only, personal vector', history: lists, candidates: shelf(), personal: personal() });
  return cases;
}

const CATALOG = 300;

/** A co-occurrence prior over rankCases' catalog (P0..P299): up to 12 random neighbours an item,
 *  some rows shorter, at a weight comparable to the scores. */
export function coOccurrenceCase(seed: number, weight = 2): NamedArray[] {
  const random = rng(seed);
  const k = 12;
  const keys = Uint32Array.from({ length: CATALOG }, (_, i) => coKey(`P${i}`)).sort();
  const neighbours = new Uint16Array(CATALOG * k).fill(CO_MAX_ITEMS);
  const sims = new Float32Array(CATALOG * k);
  for (let row = 0; row < CATALOG; row++) {
    const n = Math.floor(random() * (k + 1));
    for (let j = 0; j < n; j++) {
      neighbours[row * k + j] = Math.floor(random() * CATALOG);
      sims[row * k + j] = random();
    }
  }
  return coArrays({ keys, k, neighbours, sims, simScale: 1, weight, recent: 5 });
}

/** Every weight scaled and shifted by noise: layer-norm gains and biases, feed-forward biases
 *  and the item prior (zeros and ones at initialization) then all take part in the scores, and
 *  the scores spread well beyond the initial ones. */
export function scaledWeights(arrays: readonly NamedArray[], seed: number, factor = 3, noise = 0.2): NamedArray[] {
  const random = rng(seed);
  return arrays.map((a) => ({ ...a, data: Float32Array.from(a.data, (v) => factor * v + noise * (2 * random() - 1)) }));
}
