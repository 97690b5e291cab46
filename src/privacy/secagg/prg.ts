// The PRG that turns the helper's 32-byte seed into its share: AES-128-CTR keyed by
// HKDF-SHA256(seed), both WebCrypto (native code in browsers, workers and Node). The helper expands
// one seed per report, so throughput decides: for 84,608 32-bit values in Node it takes about
// 0.6–1.2 ms, against 1.0–1.6 ms for ChaCha20 and 6–10 ms for TurboSHAKE128 in JavaScript
// (tools/bench-secagg.ts measures all three).
//
// A process that expands seeds in bulk (the helper, the simulator) may bring its own KeyStream, the
// same bytes from native code without WebCrypto's copies and round trips (server/fl/key-stream.ts).
//
// Domain separation: the HKDF salt names this use, and the HKDF info binds the ring width, the
// length and the report's context (round, model version, report id), so a seed replayed under any
// other report, round or shape expands to an unrelated mask. Each key encrypts one stream from
// counter 0, and every report gets a fresh seed, so no key stream is ever reused.
import { concat, u32, u8, utf8 } from './bytes';
import { encodeContext, type ReportContext } from './context';
import { refuse } from './errors';
import { asRing, shareBytes, type Width } from './ring';

export const SEED_BYTES = 32;
const SALT = utf8('shelfwise/secagg/v1 prg');
const COUNTER = new Uint8Array(16);

/** The key stream of `bytes` bytes: AES-128-CTR from an all-zero counter block, keyed by
 *  HKDF-SHA256(ikm = seed, salt, info) truncated to 16 bytes. */
export type KeyStream = (seed: Uint8Array, salt: Uint8Array, info: Uint8Array, bytes: number) => Promise<Uint8Array> | Uint8Array;

/** The PRG's output for `seed`: `length` uniform elements of Z_2^w. */
export async function expand(seed: Uint8Array, length: number, width: Width, ctx: ReportContext, keyStream: KeyStream = webCryptoStream): Promise<Uint32Array> {
  return asRing(await expandBytes(seed, length, width, ctx, keyStream), width);
}

/** The same stream as little-endian bytes, w/8 per element. */
export async function expandBytes(seed: Uint8Array, length: number, width: Width, ctx: ReportContext, keyStream: KeyStream = webCryptoStream): Promise<Uint8Array> {
  if (seed.length !== SEED_BYTES) refuse('malformed', `a seed of ${seed.length} bytes, expected ${SEED_BYTES}`);
  if (!(Number.isInteger(length) && length > 0 && length <= 0xffffffff)) refuse('malformed', `share length ${length}: expected a positive 32-bit integer`);
  const info = concat([u8(width), u32(length), encodeContext(ctx)]);
  return keyStream(seed, SALT, info, shareBytes(length, width));
}

/** The KeyStream of browsers and workers: WebCrypto, whose AES key never leaves it. */
export async function webCryptoStream(seed: Uint8Array, salt: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey('raw', Uint8Array.from(seed), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, info: info as Uint8Array<ArrayBuffer> }, ikm, { name: 'AES-CTR', length: 128 }, false, ['encrypt']);
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CTR', counter: COUNTER, length: 64 }, key, zeros(bytes)));
}

// The key stream is the encryption of zeros: one buffer of them serves every expansion (WebCrypto
// and server/fl/key-stream.ts read it and never write it), instead of a new share-sized buffer each time.
let zeroBuffer = new Uint8Array(0);

export function zeros(n: number): Uint8Array<ArrayBuffer> {
  if (zeroBuffer.length < n) zeroBuffer = new Uint8Array(n);
  return zeroBuffer.subarray(0, n);
}
