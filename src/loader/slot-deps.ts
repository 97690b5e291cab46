// What a slot needs from the rest of the widget: the store (is there history?), the ranking chunk
// (the model's order, an earlier page's order, "why this?"), the UI chunk, and the recording of
// what the shopper saw and chose.
import { parseItem } from '../capture/item';
import { INTEREST_EVENTS } from '../shared/events';
import type { Candidate, StoredEvent } from '../shared/types';
import type { Page } from '../rank-on-page';
import type { Store } from '../store';
import type { Host } from '../ui/host';
import type { LoaderConfig } from './config';
import { clearSlot, reserveSlot } from './reserve';
import type { SlotDeps, UiModule } from './slot';

export interface SlotWiring {
  cfg: Pick<LoaderConfig, 'candidates' | 'candidateLimit' | 'rankBudgetMs'>;
  granted(): boolean;
  store(): Promise<Pick<Store, 'count'>>;
  host: Host;
  /** The ranking chunk, loaded on first use. */
  page(): Promise<Pick<Page, 'start' | 'prepare' | 'rank' | 'cached' | 'explain'>>;
  ui(): Promise<UiModule>;
  record(events: StoredEvent[]): void;
  /** Writes what is buffered now: a click on a card is followed by leaving the page. */
  flush(): Promise<void>;
  /** A shelf is on screen (see slot.ts's `shown`). */
  shown: SlotDeps['shown'];
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
    // Only a shopper with history loads the model; one whose device has ranked before starts at
    // once, while the store counts. Consent may be withdrawn while the store answers.
    personalize: async () => {
      if (!w.granted()) return false;
      const page = w.page();
      page.then((p) => p.start()).catch(w.warn);
      if ((await (await w.store()).count({ types: INTEREST_EVENTS })) === 0) return false;
      page.then((p) => p.prepare()).catch(w.warn);
      return w.granted();
    },
    rank: async (key, candidates, context) => (await w.page()).rank(key, candidates, context),
    cached: async (key, candidates) => (await w.page()).cached(key, candidates),
    explain: async (item) => (w.granted() ? (await w.page()).explain(item) : null),
    visible: async (candidates) => (await w.ui()).visible(w.host, candidates),
    host: w.host,
    ui: w.ui,
    onImpression: (slot, item) => w.record(widgetEvent('shelfwise_impression', slot, item)),
    onSelect(slot, item) {
      w.record(widgetEvent('shelfwise_click', slot, item));
      void w.flush();
    },
    shown: w.shown,
    warn: w.warn,
    reserve: reserveSlot,
    clear: clearSlot,
  };
}
