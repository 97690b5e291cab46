// One slot's life: reserve its space, get candidates, re-rank on the device within a time
// budget, render once. A slot never re-orders after it is shown (no visible jump).
import type { Candidate } from '../shared/types';
import { fetchCandidates, inlineCandidates, readSlot, type SlotSpec } from './candidates';
import { cachedScores, orderByScores } from './order';

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
    items: Candidate[];
    onImpression?(item: Candidate, position: number): void;
    onSelect?(item: Candidate, position: number): void;
  }): void;
}

export interface SlotDeps {
  endpoint: string | null;
  limit: number;
  budgetMs: number;
  /** Whether to personalize: consent granted and there is history to personalize from. */
  personalize(): Promise<boolean>;
  rank(key: string, candidates: Candidate[]): Promise<number[]>;
  cached(key: string): Promise<Record<string, number> | undefined>;
  ui(): Promise<UiModule>;
  onImpression(slot: string, item: Candidate, position: number): void;
  onSelect(slot: string, item: Candidate, position: number): void;
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
  return spec.contextItem ? `${spec.name}@${spec.contextItem}` : spec.name;
}

const delay = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms));

export function runSlot(el: HTMLElement, deps: SlotDeps): SlotHandle {
  const started = performance.now();
  const spec = readSlot(el);
  const root = deps.reserve(el, { count: spec.count });
  let server: Candidate[] = [];
  const show = async (items: Candidate[]) => {
    const ui = await deps.ui();
    ui.renderShelf(root, {
      slot: spec.name,
      title: spec.title ?? undefined,
      items: items.slice(0, spec.count),
      onImpression: (item, i) => deps.onImpression(spec.name, item, i),
      onSelect: (item, i) => deps.onSelect(spec.name, item, i),
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
    try {
      server = inlineCandidates(el) ?? (deps.endpoint ? await fetchCandidates(deps.endpoint, spec, deps.limit) : []);
    } catch (err) {
      deps.clear(el);
      return status('error', [], err instanceof Error ? err.message : String(err));
    }
    if (!server.length) {
      deps.clear(el);
      return status('empty', []);
    }
    const [source, items] = await personalOrder(spec, server, deps);
    await show(items);
    return status(source, items);
  })();
  return { done, unpersonalize: () => done.then(() => (server.length ? show(server) : undefined)) };
}

async function personalOrder(spec: SlotSpec, server: Candidate[], deps: SlotDeps): Promise<[Source, Candidate[]]> {
  if (!(await deps.personalize().catch(() => false))) return ['server', server];
  const key = slotKey(spec);
  const ranking = deps.rank(key, server).catch((e: unknown) => {
    deps.warn(e);
    return null;
  });
  const fresh = await Promise.race([ranking, delay(deps.budgetMs)]);
  if (fresh) return ['model', orderByScores(server, fresh)];
  const cached = cachedScores(server.map((c) => c.item_id), await deps.cached(key).catch(() => undefined));
  return cached ? ['cache', orderByScores(server, cached)] : ['server', server];
}
