import { describe, expect, test } from 'vitest';
import type { NamedArray } from '../artifact';
import type { EventLike, ItemLike } from '../features';
import { rankCases, scaledWeights } from '../../testing/rank-cases';
import { TINY } from '../../testing/fixture';
import { weightSpecs } from '../../weights';
import { createRanker } from './ranker';
import { categoryPath, explain, MIN_DROP, windowOf } from './explain';
import { whyThis } from './why';

function arrays(): NamedArray[] {
  const zeros = weightSpecs(TINY).map((s) => ({ name: s.name, shape: s.shape, data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)) }));
  return scaledWeights(zeros, 3, 1, 0.5);
}

const ranker = createRanker(TINY, arrays());
const cases = rankCases(TINY, 5, 40).filter((c) => c.history.some((e) => e.type !== 'view_item_list'));

/** The candidates' scores with some events of the history left out, through the ranker's public path. */
function scoreWithout(history: readonly EventLike[], left: number[], candidates: readonly ItemLike[], personal?: Float32Array) {
  return ranker.score(history.filter((_, i) => !left.includes(i)), candidates, personal);
}

describe('explain (leave-one-out on the ranking path)', () => {
  test("each window event's drop is the item's score minus its score without that event", () => {
    let checked = 0;
    for (const c of cases) {
      const window = windowOf(c.history, TINY.maxLen);
      // Histories up to the window: leaving an event out of the history is leaving it out of the window.
      if (window.length === 0 || window[0] !== c.history.findIndex((e) => windowOf([e], 1).length > 0)) continue;
      const base = ranker.score(c.history, c.candidates, c.personal);
      const out = explain(ranker, c.history, c.candidates, c.personal);
      window.forEach((event, k) => {
        const after = scoreWithout(c.history, [event], c.candidates, c.personal);
        c.candidates.forEach((_, j) => expect(out[j].drops[k]).toBeCloseTo(base[j] - after[j], 4));
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(5);
  });

  test('the first reason is the event whose removal lowers the score most; it indexes the caller’s history', () => {
    let cited = 0;
    for (const c of cases) {
      const out = explain(ranker, c.history, c.candidates, c.personal);
      out.forEach((x) => {
        const [first] = x.reasons;
        if (!first) {
          expect(Math.max(...x.drops, 0)).toBeLessThanOrEqual(MIN_DROP);
          return;
        }
        cited++;
        expect(first.kind).toBe('event');
        if (first.kind !== 'event') return;
        expect(first.drop).toBe(Math.max(...x.drops));
        expect(first.drop).toBeGreaterThan(MIN_DROP);
        expect(x.window).toContain(first.event);
        // Only events the model reads are ever cited (never a list view or an impression).
        expect(windowOf([c.history[first.event]], 1)).toHaveLength(1);
      });
    }
    expect(cited).toBeGreaterThan(50);
  });

  test('a pattern is cited second, only when leaving all its events out matters more than the top event', () => {
    let patterns = 0;
    for (const c of cases) {
      const base = ranker.score(c.history, c.candidates, c.personal);
      explain(ranker, c.history, c.candidates, c.personal).forEach((x, j) => {
        const second = x.reasons[1];
        if (!second || second.kind === 'event') return;
        patterns++;
        expect(second.events.length).toBeGreaterThanOrEqual(2);
        for (const e of second.events) {
          const value = second.kind === 'category' ? categoryPath(c.history[e].category) : c.history[e].brand;
          expect(value).toBe(second.value);
        }
        expect(second.drop).toBeGreaterThan(x.reasons[0].drop);
        // Within the window it is exactly the group's leave-out; checked where the window is the history.
        if (x.window.length === c.history.filter((e) => windowOf([e], 1).length).length) {
          expect(second.drop).toBeCloseTo(base[j] - scoreWithout(c.history, second.events, c.candidates, c.personal)[j], 4);
        }
      });
    }
    expect(patterns).toBeGreaterThan(0);
  });

  test('no history, no reasons: the item is shown for its popularity', () => {
    const lists = cases.find((c) => c.label.startsWith('list views only'))!;
    for (const x of explain(ranker, lists.history, lists.candidates, lists.personal)) {
      expect(x.reasons).toEqual([]);
      expect(x.window).toEqual([]);
    }
    expect(explain(ranker, [], [{ item_id: 'x' }])[0].reasons).toEqual([]);
  });

  test('only the last maxLen interest events are read, and explaining changes no later score', () => {
    const long = cases.find((c) => c.label === `${3 * TINY.maxLen} interest events`)!;
    const before = ranker.score(long.history, long.candidates);
    const [x] = explain(ranker, long.history, long.candidates);
    expect(x.window).toHaveLength(TINY.maxLen);
    expect(x.window).toEqual(windowOf(long.history, TINY.maxLen));
    expect(x.window.at(-1)).toBeLessThan(long.history.length);
    expect(Array.from(ranker.score(long.history, long.candidates))).toEqual(Array.from(before));
  });

  test('category paths are compared as the model reads them', () => {
    expect(categoryPath(' Outdoor > Tents ')).toBe('Outdoor>Tents');
    expect(categoryPath(undefined)).toBe('');
    expect(categoryPath('>>')).toBe('');
  });
});

describe('whyThis (the shelf’s reasons for one item)', () => {
  test('names the strongest event first, then others by effect, each item once; one pass per task', async () => {
    let checked = 0;
    for (const c of cases.slice(0, 8)) {
      const named = c.history.map((e, i) => ({ ...e, name: `Item ${i}` }));
      const [x] = explain(ranker, named, [c.candidates[0]], c.personal);
      let tasks = 0;
      const why = await whyThis(ranker, named, c.candidates[0], c.personal, async () => void tasks++);
      expect(tasks).toBeGreaterThanOrEqual(x.window.length);
      const first = x.reasons[0];
      if (!first || first.kind !== 'event') {
        expect(why.because).toEqual([]);
        continue;
      }
      checked++;
      expect(why.because[0]).toMatchObject({ item_id: named[first.event].item_id, name: `Item ${first.event}`, type: named[first.event].type });
      expect(why.because.length).toBeLessThanOrEqual(3);
      expect(new Set(why.because.map((b) => b.item_id)).size).toBe(why.because.length);
      const second = x.reasons[1];
      expect(why.pattern).toEqual(second && second.kind !== 'event' ? { kind: second.kind, value: second.value } : undefined);
      // The long-term part is cited exactly when the personal vector raises the item.
      const w = x.window.map((i) => named[i]);
      const lift = c.personal ? ranker.score(w, [c.candidates[0]], c.personal)[0] - ranker.score(w, [c.candidates[0]])[0] : 0;
      expect(why.longTerm).toBe(lift > MIN_DROP);
    }
    expect(checked).toBeGreaterThan(2);
  });
});
