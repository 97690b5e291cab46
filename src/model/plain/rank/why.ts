// The shelf's "Why this?" for one item: explain.ts's attribution put in the terms the shopper reads
// (the events themselves, with the names the site gave their items, and a pattern), on the page's
// main thread one model pass per task.
import type { EventLike, ItemLike } from '../features';
import type { EventName, Explanation, StoredEvent } from '../../../shared/types';
import { explainInTasks, MIN_DROP } from './explain';
import type { Ranker } from './ranker';

/** Events the popover may name (the strongest is always first). */
const MAX_EVENTS = 3;

/** A history event as the store keeps it: the model's fields and the item's name, if the site gave one. */
export type NamedEvent = EventLike & Partial<Pick<StoredEvent, 'name'>>;

export async function whyThis(
  ranker: Pick<Ranker, 'config' | 'scoreCodes' | 'score'>,
  history: readonly NamedEvent[],
  item: ItemLike,
  personal: Float32Array | null | undefined,
  nextTask: () => Promise<void>,
): Promise<Explanation> {
  const [x] = await explainInTasks(ranker, history, [item], personal, nextTask);
  const seen = new Set<string>();
  const because = x.window
    .map((event, k) => ({ event: history[event], drop: x.drops[k] }))
    .filter((e) => e.drop > MIN_DROP)
    .sort((a, b) => b.drop - a.drop)
    .filter(({ event }) => !seen.has(event.item_id) && !!seen.add(event.item_id))
    .slice(0, MAX_EVENTS)
    .map(({ event: { type, item_id, category = '', brand = '', name } }) => ({ type: type as EventName, item_id, category, brand, ...(name ? { name } : {}) }));
  const pattern = x.reasons.find((r) => r.kind === 'category' || r.kind === 'brand');
  let longTerm = false;
  if (personal) {
    await nextTask();
    const window = x.window.map((i) => history[i]);
    longTerm = ranker.score(window, [item], personal)[0] - ranker.score(window, [item], null)[0] > MIN_DROP;
  }
  return { because, longTerm, ...(pattern?.kind === 'category' || pattern?.kind === 'brand' ? { pattern: { kind: pattern.kind, value: pattern.value } } : {}) };
}
