// The helper's HPKE keys and their rotation. One key is current (devices seal to it); when it is
// older than FL_KEY_SECONDS a new one replaces it, and the old one is still accepted for
// FL_KEY_GRACE_SECONDS (reports sealed just before the rotation must still open), then its private
// key is deleted: a report under its key id is refused as 'unknown-key' from then on.
import { generateKeyPair, parseKeyPair, type HpkeKeyPair } from '../../src/privacy/secagg/hpke';
import type { HelperSettings } from './roles';
import type { HelperStore, KeyRow } from './helper-store';

export interface KeyRing {
  /** The key devices seal to. */
  current: HpkeKeyPair;
  /** Every key a sealed seed may use: the current one first, then those in their grace period. */
  accepted: HpkeKeyPair[];
  rows: KeyRow[];
}

type KeyTimes = Pick<HelperSettings, 'keySeconds' | 'keyGraceSeconds'>;

/** When a retired key stops being accepted (epoch ms). */
export const refusedAfter = (row: KeyRow, s: KeyTimes) => (row.retiredAt === null ? null : row.retiredAt + s.keyGraceSeconds * 1000);

/** The key ring at `at`, rotating and expiring keys as their times come (a key is created on first use). */
export async function keyRing(store: HelperStore, s: KeyTimes, at: number): Promise<KeyRing> {
  const expire = () =>
    store.transaction(async (tx) => {
      for (const k of await tx.keys()) if (k.retiredAt !== null && at >= refusedAfter(k, s)!) await tx.deleteKey(k.keyId);
      const live = (await tx.keys()).find((k) => k.retiredAt === null);
      if (live && at >= live.createdAt + s.keySeconds * 1000) await tx.retireKey(live.keyId, at);
      return tx.keys();
    });
  let rows = await expire();
  if (!rows.some((k) => k.retiredAt === null)) {
    const held = new Set(rows.map((k) => k.keyId));
    if (held.size === 256) throw new Error('helper: all 256 key ids are in use; shorten FL_KEY_GRACE_SECONDS');
    let id = ((rows[0]?.keyId ?? -1) + 1) % 256;
    while (held.has(id)) id = (id + 1) % 256;
    const pair = await generateKeyPair(id);
    rows = await store.transaction(async (tx) => {
      // Another request (or instance) may have created one meanwhile: keep the first.
      if (!(await tx.keys()).some((k) => k.retiredAt === null)) await tx.insertKey({ keyId: id, pair: JSON.stringify(pair), createdAt: at, retiredAt: null });
      return tx.keys();
    });
  }
  const pairs = rows.map((k) => ({ row: k, pair: parseKeyPair(JSON.parse(k.pair)) }));
  const current = pairs.find((p) => p.row.retiredAt === null)!;
  return { current: current.pair, accepted: [current.pair, ...pairs.filter((p) => p !== current).map((p) => p.pair)], rows };
}
