// What the data panel shows, read from the store's dump: the events by day, the dismissed items,
// the personal model's parameters (what and how large), and the federated rounds taken part in.
// Pure: the dump in, plain values out.
import { CONTRIBUTIONS_KEY, LAST_CONTRIBUTION_KEY, OFFERED_KEY, PERSONAL_KEY } from '../../shared/storage-keys';
import type { DismissedItem, StoredEvent } from '../../shared/types';
import type { DeviceDump } from '../controls';

interface Day {
  /** Local calendar date, YYYY-MM-DD. */
  day: string;
  /** Newest first. */
  events: StoredEvent[];
}

interface Round {
  round: number;
  at?: number;
  /** Bytes uploaded; unknown for a round recorded before the device kept it. */
  bytes?: number;
}

export interface PanelData {
  /** Newest day first. */
  days: Day[];
  events: number;
  /** Newest first. */
  dismissed: DismissedItem[];
  /** The fitted personal vector: how many numbers, their size in bytes, when and from how many events. */
  vector: { values: number; bytes: number; at?: number; events?: number } | null;
  /** Offered items remembered (adaptation's negatives). */
  offered: number;
  /** Shelves whose latest order is kept for the next page. */
  orders: number;
  /** Newest first. */
  rounds: Round[];
}

export function describe(dump: DeviceDump | null): PanelData {
  const state = dump?.state ?? {};
  const days = new Map<string, StoredEvent[]>();
  for (const e of [...(dump?.events ?? [])].sort((a, b) => b.ts - a.ts)) {
    const key = localDay(e.ts);
    days.set(key, [...(days.get(key) ?? []), e]);
  }
  return {
    days: [...days].map(([day, events]) => ({ day, events })),
    events: dump?.events.length ?? 0,
    dismissed: [...(dump?.dismissed ?? [])].sort((a, b) => b.ts - a.ts),
    vector: vectorOf(state[PERSONAL_KEY]),
    offered: Array.isArray(state[OFFERED_KEY]) ? state[OFFERED_KEY].length : 0,
    orders: Object.keys(state).filter((k) => k.startsWith('scores:')).length,
    rounds: roundsOf(state[CONTRIBUTIONS_KEY], state[LAST_CONTRIBUTION_KEY]),
  };
}

export function localDay(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function vectorOf(p: unknown): PanelData['vector'] {
  const s = p as { vector?: unknown; at?: unknown; events?: unknown } | undefined;
  if (!(s?.vector instanceof Float32Array)) return null;
  return {
    values: s.vector.length,
    bytes: s.vector.byteLength,
    ...(typeof s.at === 'number' ? { at: s.at } : {}),
    ...(typeof s.events === 'number' ? { events: s.events } : {}),
  };
}

function roundsOf(list: unknown, last: unknown): Round[] {
  const rounds = (Array.isArray(list) ? list : []).filter((r): r is Round => typeof r?.round === 'number');
  const lastRound = (last as { round?: unknown } | undefined)?.round;
  // A device that contributed before it kept the list still shows its last round.
  if (typeof lastRound === 'number' && !rounds.some((r) => r.round === lastRound)) rounds.push({ round: lastRound });
  return rounds.sort((a, b) => b.round - a.round);
}
