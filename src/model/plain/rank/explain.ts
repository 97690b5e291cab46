// "Why this?": which of the shopper's own events raised an item's score, by leave-one-out on the
// ranking path itself. An event's effect on an item is how much the item's score falls when the
// ranker reads the same window without that event: the model's own answer to "what if you had
// not viewed this?", not a separate heuristic that could disagree with the order shown. The
// encoder mixes events through attention, so no cheaper read-out (attention weights, one
// event's embedding · the item) equals that effect; a window holds at most maxLen events, so the
// exact effect costs maxLen passes of a model whose pass is well under a millisecond.
//
// A pattern ("you often look at Outdoor > Tents") is the same test on a group: every window event
// of one category path, or of one brand, left out together. It is cited second, and only when it
// matters more than the single strongest event.
import type { ModelConfig } from '../config';
import { encodeItems, interestHistory, type EventLike, type ItemCodes, type ItemLike } from '../features';
import { interestRow } from '../../../shared/events';
import type { HistoryCodes } from './history';
import type { Ranker } from './ranker';

/** Score changes below this are not evidence: the ranking path itself is exact to 1e-4 only. */
export const MIN_DROP = 1e-4;

/** A pattern needs this many events of the window ("often"). */
const MIN_GROUP = 2;

type Reason =
  /** `event` indexes the history the caller passed. */
  | { kind: 'event'; event: number; drop: number }
  /** Every window event of this category path (levels joined by '>'), or of this brand. */
  | { kind: 'category' | 'brand'; value: string; events: number[]; drop: number };

export interface Explanation {
  /** At most two reasons, the strongest event first; none when no event raised the item (the
   *  caller then says why it is shown anyway: its popularity). */
  reasons: Reason[];
  /** Indices (into the history) of the events the encoder reads, oldest first. */
  window: number[];
  /** Aligned with `window`: the item's score minus its score without that one event. */
  drops: Float32Array;
}

type Scorer = Pick<Ranker, 'config' | 'scoreCodes'>;

/**
 * Explains each candidate's score for this history (the same history, candidates and personal
 * vector the shelf was ranked with). Pure: the ranker is only read.
 */
export function explain(
  ranker: Scorer,
  history: readonly EventLike[],
  candidates: readonly ItemLike[],
  personal?: Float32Array | null,
): Explanation[] {
  const steps = explainSteps(ranker, history, candidates, personal);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** explain() one model pass per task (a Beauty-size pass is about a millisecond; a window has up
 *  to maxLen of them), for the page's main thread. */
export async function explainInTasks(
  ranker: Scorer,
  history: readonly EventLike[],
  candidates: readonly ItemLike[],
  personal: Float32Array | null | undefined,
  nextTask: () => Promise<void>,
): Promise<Explanation[]> {
  const steps = explainSteps(ranker, history, candidates, personal);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await nextTask();
  }
}

/** Yields after each model pass. */
function* explainSteps(
  ranker: Scorer,
  history: readonly EventLike[],
  candidates: readonly ItemLike[],
  personal?: Float32Array | null,
): Generator<void, Explanation[]> {
  const cfg = ranker.config;
  const window = windowOf(history, cfg.maxLen);
  const codes = codesOf(window.map((i) => history[i]), cfg);
  const items = encodeItems(candidates, cfg);
  const base = ranker.scoreCodes(codes, items, personal);
  const without = (left: readonly number[]) => {
    const after = ranker.scoreCodes(dropRows(codes, left, cfg), items, personal);
    return Float32Array.from(base, (s, c) => s - after[c]);
  };
  const single: Float32Array[] = [];
  for (let k = 0; k < window.length; k++) {
    yield;
    single.push(without([k]));
  }
  const groups: Group[] = [];
  for (const g of patterns(window.map((i) => history[i]))) {
    yield;
    groups.push({ ...g, drops: without(g.rows) });
  }
  return candidates.map((_, c) => {
    const drops = Float32Array.from(single, (d) => d[c]);
    return { reasons: reasonsFor(c, drops, window, groups), window, drops };
  });
}

interface Group {
  kind: 'category' | 'brand';
  value: string;
  /** Rows of the window. */
  rows: number[];
  drops: Float32Array;
}

function reasonsFor(c: number, drops: Float32Array, window: number[], groups: Group[]): Reason[] {
  let top = -1;
  drops.forEach((d, k) => {
    if (d > MIN_DROP && (top < 0 || d > drops[top])) top = k;
  });
  if (top < 0) return [];
  const reasons: Reason[] = [{ kind: 'event', event: window[top], drop: drops[top] }];
  let best: Group | undefined;
  for (const g of groups) if (g.drops[c] > drops[top] + MIN_DROP && (!best || g.drops[c] > best.drops[c])) best = g;
  if (best) reasons.push({ kind: best.kind, value: best.value, events: best.rows.map((r) => window[r]), drop: best.drops[c] });
  return reasons;
}

/** Indices of the events the encoder reads: the last maxLen interest events, oldest first. */
export function windowOf(history: readonly EventLike[], maxLen: number): number[] {
  const tagged = history.map((e, i) => ({ type: e.type, item_id: e.item_id, i }));
  return interestHistory(tagged, maxLen).map((e) => e.i);
}

function codesOf(events: readonly EventLike[], cfg: ModelConfig): HistoryCodes {
  return { ...encodeItems(events, cfg), types: Int32Array.from(events, (e) => interestRow(e.type)) };
}

/** The window's codes without some of its rows (sorted or not); what is left keeps its order. */
function dropRows(h: HistoryCodes, rows: readonly number[], cfg: ModelConfig): HistoryCodes {
  const gone = new Set(rows);
  const kept = Array.from({ length: h.count }, (_, r) => r).filter((r) => !gone.has(r));
  const pick = (a: Int32Array, width: number) => {
    const out = new Int32Array(kept.length * width);
    kept.forEach((r, j) => out.set(a.subarray(r * width, (r + 1) * width), j * width));
    return out;
  };
  const items: ItemCodes = {
    count: kept.length,
    ids: pick(h.ids, cfg.itemHashes),
    cats: pick(h.cats, cfg.categoryLevels),
    brands: pick(h.brands, 1),
    ...(h.keys ? { keys: Uint32Array.from(kept, (r) => h.keys![r]) } : {}),
  };
  return { ...items, types: pick(h.types, 1) };
}

/** Category paths and brands that at least MIN_GROUP window events share (rows of the window). */
function patterns(events: readonly EventLike[]): Omit<Group, 'drops'>[] {
  const by = new Map<string, Omit<Group, 'drops'>>();
  events.forEach((e, r) => {
    const keys: [Group['kind'], string][] = [['category', categoryPath(e.category)], ['brand', (e.brand ?? '').trim()]];
    for (const [kind, value] of keys) {
      if (!value) continue;
      const key = kind + '\u0000' + value;
      const g = by.get(key) ?? { kind, value, rows: [] };
      g.rows.push(r);
      by.set(key, g);
    }
  });
  return [...by.values()].filter((g) => g.rows.length >= MIN_GROUP);
}

/** A category path with its levels trimmed, as the model's features read it ("Outdoor>Tents"). */
export function categoryPath(category: string | undefined): string {
  return (category ?? '').split('>').map((p) => p.trim()).filter(Boolean).join('>');
}
