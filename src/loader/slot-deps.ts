// What a slot needs from the rest of the widget: the store (history, cached scores), the model
// worker (fresh scores), the UI chunk, and the recording of what the shopper saw and chose.
import { parseItem } from '../capture/item';
import { INTEREST_EVENTS } from '../shared/events';
import type { Candidate, StoredEvent } from '../shared/types';
import { scoresKey } from '../shared/storage-keys';
import type { Store } from '../store';
import type { LoaderConfig } from './config';
import { clearSlot, reserveSlot } from './reserve';
import type { SlotDeps, UiModule } from './slot';
import type { WorkerClient } from './worker-client';

export interface SlotWiring {
  cfg: Pick<LoaderConfig, 'candidates' | 'candidateLimit' | 'rankBudgetMs'>;
  granted(): boolean;
  store(): Promise<Pick<Store, 'count' | 'getState'>>;
  worker(): Pick<WorkerClient, 'call'>;
  ui(): Promise<UiModule>;
  record(events: StoredEvent[]): void;
  /** Writes what is buffered now: a click on a card is followed by leaving the page. */
  flush(): Promise<void>;
  warn(error: unknown): void;
}

type WidgetEventName = 'shelfwise_impression' | 'shelfwise_click';

function widgetEvent(type: WidgetEventName, slot: string, item: Candidate): StoredEvent[] {
  const fields = parseItem(item);
  return fields ? [{ ...fields, type, slot, ts: Date.now(), source: 'widget' }] : [];
}

export function slotDeps(w: SlotWiring): SlotDeps {
  return {
    endpoint: w.cfg.candidates,
    limit: w.cfg.candidateLimit,
    budgetMs: w.cfg.rankBudgetMs,
    // Only a shopper with history starts the worker; consent may be withdrawn while the store answers.
    personalize: async () => {
      if (!w.granted() || (await (await w.store()).count({ types: INTEREST_EVENTS })) === 0) return false;
      w.worker();
      return w.granted();
    },
    rank: (key, candidates) =>
      w
        .worker()
        .call('rank', key, candidates.map((c) => parseItem(c)!))
        .then((r) => r.scores),
    cached: async (key) => (await (await w.store()).getState<{ scores: Record<string, number> }>(scoresKey(key)))?.scores,
    ui: w.ui,
    onImpression: (slot, item) => w.record(widgetEvent('shelfwise_impression', slot, item)),
    onSelect(slot, item) {
      w.record(widgetEvent('shelfwise_click', slot, item));
      void w.flush();
    },
    warn: w.warn,
    reserve: reserveSlot,
    clear: clearSlot,
  };
}
