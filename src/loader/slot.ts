// One slot's life: reserve its space, get candidates, re-rank on the device within a time
// budget, render once. A slot never re-orders after it is shown (no visible jump). Everything the
// shelf needs besides its candidates (the store, the model, the UI) starts loading at once, while
// the candidates are on their way.
import type { Candidate, Explanation } from '../shared/types';
import type { Host } from '../ui/host';
import { fetchCandidates, inlineCandidates, readSlot, type SlotSpec } from './candidates';

type Source = 'model' | 'cache' | 'server' | 'error' | 'empty';

export interface SlotStatus {
  slot: string;
  source: Source;
  shown: string[];
  ms: number;
  error?: string;
}

export interface UiModule {
  renderShelf(root: ShadowRoot, props: {
    slot: string;
    title?: string;
    /** In order; the first `count` are shown, the next ones replace dismissed cards. */
    items: Candidate[];
    count?: number;
    onImpression?(item: Candidate, position: number): void;
    onSelect?(item: Candidate, position: number): void;
    /** "Why this?": the reasons, from this shopper's history; null when the shelf is not personalized. */
    explain?(item: Candidate): Promise<Explanation | null>;
    /** What the shopper's controls on the cards and the "Your data" panel need. */
    host?: Host;
  }): void;
  /** The candidates without those the shopper dismissed. */
  visible<T extends { item_id: string }>(host: Host, candidates: T[]): Promise<T[]>;
  /** `['privacy']` and `['labels', …]` from the page. */
  command(host: Host, cmd: unknown[]): Promise<void>;
}

export interface SlotDeps {
  endpoint: string | null;
  limit: number;
  budgetMs: number;
  /** Whether to personalize: consent granted and there is history to personalize from. */
  personalize(): Promise<boolean>;
  /** The candidates in the model's order. */
  /** The candidates in the model's order; with a cross-sell shelf's context items, the model reads
   *  them as the newest events and leaves out what is of their subcategories. */
  rank(key: string, candidates: Candidate[], context: string[]): Promise<Candidate[]>;
  /** The candidates in an earlier page's order for this slot, if it covers enough of them. */
  cached(key: string, candidates: Candidate[]): Promise<Candidate[] | null>;
  explain(item: Candidate): Promise<Explanation | null>;
  /** The candidates without those the shopper dismissed ("Not interested"). */
  visible(candidates: Candidate[]): Promise<Candidate[]>;
  host: Host;
  ui(): Promise<UiModule>;
  onImpression(slot: string, item: Candidate, position: number): void;
  onSelect(slot: string, item: Candidate, position: number): void;
  /** The shelf was rendered from `source`; its candidates had arrived at `since` and their order
   *  was known at `ordered` (performance.now() times). */
  shown(slot: string, source: Source, since: number, ordered: number): void;
  warn(error: unknown): void;
  /** Fills the slot with a skeleton as tall as the shelf; returns the root the shelf renders into. */
  reserve(el: HTMLElement, opts: { count: number }): ShadowRoot;
  /** Collapses a slot that has nothing to show. */
  clear(el: HTMLElement): void;
}

export interface SlotHandle {
  done: Promise<SlotStatus>;
  /** Re-renders in the server's order (consent withdrawn). */
  unpersonalize(): Promise<void>;
}

function slotKey(spec: SlotSpec): string {
  const context = spec.contextItem ?? spec.contextItems.join(',');
  return context ? `${spec.name}@${context}` : spec.name;
}

const delay = (ms: number) => new Promise<null>((r) => setTimeout(r, ms, null));

export function runSlot(el: HTMLElement, deps: SlotDeps): SlotHandle {
  const started = performance.now();
  const spec = readSlot(el);
  const root = deps.reserve(el, { count: spec.count });
  const personal = deps.personalize().catch(() => false);
  const ui = deps.ui();
  ui.catch(() => {}); // awaited (and reported) when the shelf is shown
  let server: Candidate[] = [];
  const show = async (items: Candidate[], source: Source) => {
    (await ui).renderShelf(root, {
      slot: spec.name,
      title: spec.title ?? undefined,
      items,
      count: spec.count,
      host: deps.host,
      onImpression: (item, i) => deps.onImpression(spec.name, item, i),
      onSelect: (item, i) => deps.onSelect(spec.name, item, i),
      // A shelf in the server's order owes nothing to the shopper's history.
      explain: source === 'server' ? undefined : deps.explain,
    });
  };
  const status = (source: Source, items: Candidate[], error?: string): SlotStatus => ({
    slot: spec.name,
    source,
    shown: items.slice(0, spec.count).map((c) => c.item_id),
    ms: Math.round(performance.now() - started),
    ...(error ? { error } : {}),
  });
  const done = (async (): Promise<SlotStatus> => {
    // When the candidates are in hand: what the shopper then waits for is the widget's doing.
    let arrived: number;
    try {
      const offered = inlineCandidates(el) ?? (deps.endpoint ? await fetchCandidates(deps.endpoint, spec, deps.limit) : []);
      arrived = performance.now();
      // A cross-sell shelf never offers what it is to go with (what is in the cart already).
      server = await deps.visible(offered.filter((c) => !spec.contextItems.includes(c.item_id)));
    } catch (err) {
      deps.clear(el);
      return status('error', [], err instanceof Error ? err.message : String(err));
    }
    if (!server.length) {
      deps.clear(el);
      return status('empty', []);
    }
    const [source, items] = await personalOrder(spec, server, personal, deps);
    const ordered = performance.now();
    await show(items, source);
    deps.shown(spec.name, source, arrived, ordered);
    return status(source, items);
  })();
  return { done, unpersonalize: () => done.then(() => (server.length ? show(server, 'server') : undefined)) };
}

async function personalOrder(spec: SlotSpec, server: Candidate[], personal: Promise<boolean>, deps: SlotDeps): Promise<[Source, Candidate[]]> {
  if (!(await personal)) return ['server', server];
  const key = slotKey(spec);
  const ranking = deps.rank(key, server, spec.contextItems).catch((e: unknown) => {
    deps.warn(e);
    return null;
  });
  const fresh = await Promise.race([ranking, delay(deps.budgetMs)]);
  if (fresh) return ['model', fresh];
  const cached = await deps.cached(key, server).catch(() => null);
  return cached ? ['cache', cached] : ['server', server];
}
