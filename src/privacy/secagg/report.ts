// The one upload a device makes per round, and the leader's checks on it. The device splits its
// clipped int16 update into the leader's share (sent in the clear) and the helper's seed (sealed to
// the helper with HPKE), under a fresh random report id. The leader can check the shape, the round
// and the key id, but neither share says anything about the update; only the helper can open the
// seed, and it does so for this report id, round and model version only.
//
// Wire layout (integers big-endian; the share little-endian per coordinate, as in ring.ts):
//   offset  bytes        field
//   0       4            magic "SWSA"
//   4       1            format version (1)
//   5       1            ring width w in bits (8, 16, 24 or 32)
//   6       1            HPKE key id of the helper's configuration used
//   7       4            round
//   11      4            d, the number of coordinates
//   15      16           report id
//   31      2 + L        model version: length L (u16, 1..1024), then UTF-8
//   33+L    2 + 32       HPKE encapsulated key: length, then bytes
//   67+L    2 + 48       sealed seed (AES-128-GCM ciphertext and tag): length, then bytes
//   117+L   d·w/8        leader's share: each coordinate as w/8 little-endian bytes, to the end
// A report of the demo model (d = 10,656, w = 24) is 117 + L + 31,968 bytes.
import { l2norm, MAX_CODE } from '../fixed-point';
import { concat, fromHex, Reader, toHex, u16, u32, u8 } from './bytes';
import { checkContext, REPORT_ID_BYTES, type ReportContext } from './context';
import { refuse } from './errors';
import { ENC_BYTES, openSeed, parseConfig, SEALED_SEED_BYTES, sealSeed, type HpkeConfig, type HpkeKeyPair, type HpkeOptions, type SealedSeed } from './hpke';
import { expand, type KeyStream } from './prg';
import { asBytes, checkWidth, shareBytes, type Width } from './ring';
import { split } from './shares';

// A device loads this module alone for a report, HPKE with it in one chunk (its warm-up seals).
export { sealSeed };

const MAGIC = [0x53, 0x57, 0x53, 0x41]; // "SWSA"
const VERSION = 1;

export interface Report extends ReportContext {
  width: Width;
  /** d, the update's number of coordinates. */
  length: number;
  /** x − PRG(seed) mod 2^w, d·w/8 bytes. */
  leaderShare: Uint8Array;
  sealedSeed: SealedSeed;
}

export interface ReportInput {
  /** The clipped fixed-point update (fixed-point.ts encodeFixed). */
  update: Int16Array;
  round: number;
  modelVersion: string;
  /** The round's ring width (ring.ts ringWidth), as the leader announces it. */
  width: Width;
  /** The helper's published configuration, as fetched. */
  helperConfig: HpkeConfig;
}

/** The primitives a process that seals, opens or expands in bulk may bring, the same bytes as the
 *  defaults (WebCrypto's): HPKE's (hpke.ts HpkeOptions) and the PRG's key stream (prg.ts). */
export interface Primitives extends HpkeOptions {
  keyStream?: KeyStream;
}

/** Everything the device uploads, built once: keep it and resend it unchanged until acknowledged. */
export async function buildReport(input: ReportInput, primitives?: Primitives): Promise<Report> {
  checkWidth(input.width);
  checkSensitivity(input.update);
  const config = parseConfig(input.helperConfig);
  const ctx: ReportContext = {
    round: input.round,
    modelVersion: input.modelVersion,
    reportId: toHex(crypto.getRandomValues(new Uint8Array(REPORT_ID_BYTES))),
  };
  checkContext(ctx);
  const { helperSeed, leaderShare } = await split(input.update, input.width, ctx, primitives?.keyStream);
  const sealedSeed = await sealSeed(config, helperSeed, ctx, primitives);
  helperSeed.fill(0);
  return { ...ctx, width: input.width, length: input.update.length, leaderShare: asBytes(leaderShare, input.width), sealedSeed };
}

export function encodeReport(r: Report): Uint8Array {
  const version = new TextEncoder().encode(r.modelVersion);
  return concat([
    Uint8Array.from(MAGIC),
    u8(VERSION),
    u8(r.width),
    u8(r.sealedSeed.keyId),
    u32(r.round),
    u32(r.length),
    fromHex(r.reportId, REPORT_ID_BYTES, 'report id'),
    u16(version.length),
    version,
    u16(r.sealedSeed.enc.length),
    r.sealedSeed.enc,
    u16(r.sealedSeed.ciphertext.length),
    r.sealedSeed.ciphertext,
    r.leaderShare,
  ]);
}

/** What the leader collects in the current round. */
export interface Expected {
  round: number;
  modelVersion: string;
  length: number;
  width: Width;
  /** Key ids of the helper's configurations devices may still use. */
  keyIds: readonly number[];
}

/** Decodes a report, checking its structure and, given `expected`, that it belongs to the round
 *  being collected. Every refusal is a SecAggError naming the field; nothing else is thrown. */
export function parseReport(bytes: Uint8Array, expected?: Expected): Report {
  if (!(bytes instanceof Uint8Array)) return refuse('malformed', 'a report must be bytes');
  const read = new Reader(bytes);
  const magic = read.take(4, 'magic');
  if (MAGIC.some((b, i) => magic[i] !== b)) refuse('malformed', 'not a secure-aggregation report (bad magic)');
  const version = read.u8('format version');
  if (version !== VERSION) refuse('malformed', `report format version ${version}, expected ${VERSION}`);
  const width = read.u8('ring width');
  checkWidth(width);
  const keyId = read.u8('key id');
  const round = read.u32('round');
  const length = read.u32('length');
  if (length === 0) refuse('malformed', 'a report of 0 coordinates');
  const reportId = toHex(read.take(REPORT_ID_BYTES, 'report id'));
  const modelVersion = utf8Text(read.vector('model version'));
  const enc = read.vector('encapsulated key');
  if (enc.length !== ENC_BYTES) refuse('malformed', `an encapsulated key of ${enc.length} bytes, expected ${ENC_BYTES}`);
  const ciphertext = read.vector('sealed seed');
  if (ciphertext.length !== SEALED_SEED_BYTES) refuse('malformed', `a sealed seed of ${ciphertext.length} bytes, expected ${SEALED_SEED_BYTES}`);
  if (read.left !== shareBytes(length, width)) refuse('wrong-size', `a leader share of ${read.left} bytes, expected ${shareBytes(length, width)} (${length} × ${width} bits)`);
  const leaderShare = read.take(read.left, 'leader share');
  const report: Report = { round, modelVersion, reportId, width, length, leaderShare, sealedSeed: { keyId, enc, ciphertext } };
  checkContext(report);
  if (expected) checkExpected(report, expected);
  return report;
}

/** Each aggregator's noise is calibrated to one update of L2 norm at most 32767 (C in fixed point),
 *  and no server can re-clip what it cannot see, so the device must not send more. Stochastic
 *  rounding adds up to √d to the norm: clip to C·(1 − √d/32767) before encoding to stay within. */
function checkSensitivity(update: Int16Array): void {
  const norm = l2norm(update);
  if (norm > MAX_CODE) {
    refuse('malformed', `update L2 norm ${norm.toFixed(1)} exceeds ${MAX_CODE} (C in fixed point), which the noise is calibrated to: clip to C·(1 − √d/${MAX_CODE}) before encoding`);
  }
}

function checkExpected(r: Report, e: Expected): void {
  if (r.round !== e.round || r.modelVersion !== e.modelVersion) refuse('wrong-round', `a report for round ${r.round} of ${r.modelVersion}, but round ${e.round} of ${e.modelVersion} is being collected`);
  if (r.width !== e.width) refuse('wrong-size', `a report in ${r.width}-bit shares, the round uses ${e.width} bits`);
  if (r.length !== e.length) refuse('wrong-size', `a report of ${r.length} coordinates, the model has ${e.length}`);
  if (!e.keyIds.includes(r.sealedSeed.keyId)) refuse('unknown-key', `HPKE key id ${r.sealedSeed.keyId} is not accepted (accepted: ${e.keyIds.join(', ') || 'none'})`);
}

function utf8Text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('malformed', 'the model version is not UTF-8');
  }
}

/** The helper's side of one report: open its seed and expand it to the helper's share. */
export async function helperShare(keys: readonly HpkeKeyPair[], r: Pick<Report, 'round' | 'modelVersion' | 'reportId' | 'width' | 'length' | 'sealedSeed'>, primitives?: Primitives): Promise<Uint32Array> {
  checkWidth(r.width);
  const ctx = { round: r.round, modelVersion: r.modelVersion, reportId: r.reportId };
  const seed = await openSeed(keys, r.sealedSeed, ctx, primitives);
  try {
    return await expand(seed, r.length, r.width, ctx, primitives?.keyStream);
  } finally {
    seed.fill(0);
  }
}
