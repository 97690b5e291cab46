// npm run bench:secagg -- [--runs N] [--json <out.json>]
// What two-aggregator secure aggregation costs, per upload and per aggregator: the PRG candidates
// for the helper's share, the device's whole report (split + expand + seal), bytes on the wire
// against the plain int16 upload, the helper's and the leader's work per report, and the discrete
// Gaussian sampler's speed. Medians of --runs timed runs after warm-up.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chacha20 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { turboshake128 } from '@noble/hashes/sha3-addons.js';
import { numberFlag, parseFlags, positiveInt, stringFlag } from './lib/args';
import { MAX_CODE } from '../src/privacy/fixed-point';
import { concat, u32, u8, utf8 } from '../src/privacy/secagg/bytes';
import { encodeContext, type ReportContext } from '../src/privacy/secagg/context';
import { DiscreteGaussian, noiseSigma, squared } from '../src/privacy/secagg/discrete-gaussian';
import { hkdfInPlace } from '../src/privacy/secagg/hkdf';
import { generateKeyPair, openSeed, sealSeed, type HpkeOptions, type X25519Source } from '../src/privacy/secagg/hpke';
import { expandBytes } from '../src/privacy/secagg/prg';
import { nativeKeyStream } from '../server/fl/key-stream';
import { HELPER_PRIMITIVES } from '../server/fl/helper-primitives';
import { buildReport, encodeReport, helperShare, parseReport } from '../src/privacy/secagg/report';
import { addBytesInto, addInto, ringWidth, shareBytes, type Width } from '../src/privacy/secagg/ring';

const USAGE = 'usage: npm run bench:secagg -- [--runs N] [--json <out.json>]';
// The demo model's dense weights, and Beauty's federated update.
const SIZES = [10_656, 84_608];
const CTX: ReportContext = { round: 1, modelVersion: 'bench-000000000000', reportId: '00'.repeat(16) };
// Today's upload sends these headers besides the 2·d body bytes (round, model version, token, type).
const TODAY_HEADERS = 'content-type: application/vnd.shelfwise.update\r\nx-shelfwise-round: 1\r\nx-shelfwise-model: bench-000000000000\r\nx-shelfwise-token: ' + 'x'.repeat(43) + '\r\n';

interface Row {
  what: string;
  d?: number;
  width?: number;
  medianMs: number;
  /** The fastest run: the cost without interference from other work on the machine. */
  minMs: number;
  note?: string;
}

async function timed(runs: number, f: () => unknown): Promise<{ medianMs: number; minMs: number }> {
  for (let i = 0; i < Math.min(3, runs); i++) await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return stats(times);
}

function stats(times: number[]): { medianMs: number; minMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: sorted[sorted.length >> 1], minMs: sorted[0] };
}

const mbps = (bytes: number, ms: number) => `${(bytes / ms / 1000).toFixed(0)} MB/s`;

async function prgRows(runs: number): Promise<Row[]> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const rows: Row[] = [];
  for (const d of SIZES) {
    const width: Width = 32;
    const bytes = shareBytes(d, width);
    const info = concat([u8(width), u32(d), encodeContext(CTX)]);
    const candidates: [string, () => unknown][] = [
      ['PRG AES-128-CTR (WebCrypto, chosen; the device)', () => expandBytes(seed, d, width, CTX)],
      ['PRG AES-128-CTR (Node crypto, same bytes; the helper)', () => expandBytes(seed, d, width, CTX, nativeKeyStream)],
      ['PRG ChaCha20 (@noble/ciphers)', () => chacha20(hkdf(sha256, seed, utf8('bench prg'), info, 32), new Uint8Array(12), new Uint8Array(bytes))],
      ['PRG TurboSHAKE128 (@noble/hashes)', () => turboshake128(concat([info, seed]), { dkLen: bytes, D: 0x0b })],
    ];
    // Interleaved, so that a burst of load elsewhere on the machine hits every candidate alike.
    const times = candidates.map(() => [] as number[]);
    for (let run = -3; run < runs * 2; run++) {
      for (const [i, [, f]] of candidates.entries()) {
        const t = performance.now();
        await f();
        if (run >= 0) times[i].push(performance.now() - t);
      }
    }
    for (const [i, [what]] of candidates.entries()) {
      const t = stats(times[i]);
      rows.push({ what, d, width, ...t, note: `${mbps(bytes, t.medianMs)} (median), ${mbps(bytes, t.minMs)} (fastest)` });
    }
  }
  return rows;
}

/** A random update of L2 norm at most 32767, as a clipped encoding is. */
function randomUpdate(d: number): Int16Array {
  const spread = MAX_CODE / Math.sqrt(d);
  const words = new Uint32Array(d);
  for (let at = 0; at < d; at += 16384) crypto.getRandomValues(words.subarray(at, at + 16384));
  return Int16Array.from(words, (w) => Math.trunc((w / 2 ** 32 - 0.5) * 2 * spread));
}

async function reportRows(runs: number): Promise<Row[]> {
  const keys = await generateKeyPair(1);
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const sealed = await sealSeed(keys.config, seed, CTX);
  const rows: Row[] = [];
  const suites: [string, HpkeOptions][] = (['webcrypto', 'portable'] as X25519Source[]).flatMap((x25519) =>
    [undefined, hkdfInPlace].map((hkdf): [string, HpkeOptions] => [`X25519 ${x25519}, HKDF ${hkdf ? 'in place' : 'WebCrypto'}`, { x25519, hkdf }]),
  );
  suites.push(['X25519 and AES-GCM from Node, HKDF in place: the helper', HELPER_PRIMITIVES]);
  for (const [suite, opts] of suites) {
    rows.push({ what: `device: HPKE seal of the seed alone (${suite})`, ...(await timed(runs * 4, () => sealSeed(keys.config, seed, CTX, opts))) });
    rows.push({ what: `helper: HPKE open of the seed alone (${suite})`, ...(await timed(runs * 4, () => openSeed([keys], sealed, CTX, opts))) });
  }
  for (const d of SIZES) {
    for (const width of [24, 32] as Width[]) {
      const update = randomUpdate(d);
      const input = { update, round: 1, modelVersion: CTX.modelVersion, width, helperConfig: keys.config };
      const device = await timed(runs, async () => encodeReport(await buildReport(input)));
      const wire = encodeReport(await buildReport(input));
      const today = 2 * d + TODAY_HEADERS.length;
      const ours = wire.length + TODAY_HEADERS.length;
      rows.push({ what: 'device: build + encode a report (split, seal)', d, width, ...device, note: `${wire.length} B body vs ${2 * d} B today; with headers ${(ours / today).toFixed(2)}× today` });
      const report = parseReport(wire);
      const expected = { round: 1, modelVersion: CTX.modelVersion, length: d, width, keyIds: [1] };
      const sum = new Uint32Array(d);
      const leader = await timed(runs, () => addBytesInto(sum, parseReport(wire, expected).leaderShare, width));
      rows.push({ what: 'leader: parse + add a report', d, width, ...leader, note: `${(1000 / leader.medianMs).toFixed(0)} reports/s (median)` });
      // As the helper server opens and expands (helper-primitives.ts).
      const helper = await timed(runs, async () => addInto(sum, await helperShare([keys], report, HELPER_PRIMITIVES), width));
      rows.push({ what: 'helper: open seed + expand + add a report', d, width, ...helper, note: `${(1000 / helper.medianMs).toFixed(0)} reports/s (median)` });
    }
  }
  return rows;
}

async function samplerRows(runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const z of [0.5, 1, 1.3]) {
    const sigma = noiseSigma(z);
    const sampler = new DiscreteGaussian(squared(sigma));
    const d = 84_608;
    const noise = new Uint32Array(d);
    const width = ringWidth(1000, Number(sigma.num) / Number(sigma.den));
    const t = await timed(Math.max(3, runs >> 1), () => sampler.addToRing(noise, width));
    rows.push({ what: `sampler: N_Z(0, (${z}·32767)²) on a share`, d, width, ...t, note: `${(((d / t.medianMs) * 1000) / 1e6).toFixed(2)} M samples/s (median)` });
  }
  return rows;
}

function print(rows: Row[]): void {
  const header = ['what', 'd', 'w', 'median ms', 'min ms', ''];
  const cells = rows.map((r) => [r.what, r.d?.toLocaleString('en-US') ?? '', r.width ? String(r.width) : '', r.medianMs.toFixed(2), r.minMs.toFixed(2), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((s, i) => (i === 0 || i === 5 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), ['runs', 'json', 'help']);
  if (flags.help) return console.log(USAGE);
  const runs = numberFlag(flags, 'runs', 15, positiveInt);
  const json = stringFlag(flags, 'json');
  // One untimed pass: JIT, and the curve library's one-time tables, are not a per-upload cost.
  await prgRows(2);
  await reportRows(2);
  const rows = [...(await prgRows(runs)), ...(await reportRows(runs)), ...(await samplerRows(runs))];
  print(rows);
  if (json) writeFileSync(resolve(json), JSON.stringify({ node: process.version, runs, rows }, null, 2) + '\n');
}

main().catch((err) => {
  console.error(`bench-secagg: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
