// Sealing the helper's seed to the helper (RFC 9180 HPKE, base mode): DHKEM(X25519, HKDF-SHA256),
// HKDF-SHA256, AES-128-GCM, from @hpke/core and @hpke/dhkem-x25519. The leader relays the sealed
// seed but cannot open it. The associated data binds the key id and the report's context, so a
// sealed seed moved to another report, round or model version, or presented under another key id,
// fails to open.
//
// The helper publishes its HpkeConfig (JSON) for devices to fetch, and keeps its HpkeKeyPair (the
// same JSON plus the private key) in a file or database.
//
// X25519 comes from WebCrypto where the platform has it (Node, recent browsers: about 3× faster,
// which the helper feels on every report) and from @hpke/dhkem-x25519 (pure JavaScript) elsewhere.
// Both are the same RFC 9180 KEM, byte for byte: either side may use either. The JavaScript one is
// imported only where WebCrypto lacks X25519, so browsers that have it never download it.
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256 as WebCryptoX25519, HkdfSha256, type AeadInterface, type KemInterface } from '@hpke/core';
import { concat, fromBase64url, toBase64url, u8, utf8 } from './bytes';
import { encodeContext, type ReportContext } from './context';
import { refuse, SecAggError } from './errors';
import { SEED_BYTES } from './prg';

const KEM_ID = 0x0020; // DHKEM(X25519, HKDF-SHA256)
const KDF_ID = 0x0001; // HKDF-SHA256
const AEAD_ID = 0x0001; // AES-128-GCM
export const ENC_BYTES = 32;
export const SEALED_SEED_BYTES = SEED_BYTES + 16; // the seed and GCM's tag

export interface HpkeConfig {
  keyId: number;
  kemId: number;
  kdfId: number;
  aeadId: number;
  /** The raw X25519 public key, base64url without padding. */
  publicKey: string;
}

export interface HpkeKeyPair {
  config: HpkeConfig;
  /** The raw X25519 private key, base64url without padding: keep it secret. */
  privateKey: string;
}

export interface SealedSeed {
  keyId: number;
  /** The HPKE encapsulated key. */
  enc: Uint8Array;
  ciphertext: Uint8Array;
}

const INFO = utf8('shelfwise/secagg/v1 seed');

/** Where X25519 comes from; by default the platform's WebCrypto when it works, else JavaScript. */
export type X25519Source = 'webcrypto' | 'portable';

/** HPKE's HKDF-SHA256, for the KEM's shared secret and the key schedule. */
export type HkdfFactory = () => HkdfSha256;

/** The KEM and the AEAD from a platform's own cryptography (server/fl/native-hpke.ts: Node's), in
 *  place of WebCrypto's: the same suite, byte for byte. */
export interface NativeHpke {
  kem(): KemInterface;
  aead(): AeadInterface;
}

export interface HpkeOptions {
  x25519?: X25519Source;
  /** Takes the place of `x25519` and of WebCrypto's AES-GCM where given: the helper and the
   *  simulator, which seal or open a seed per report. */
  native?: NativeHpke;
  /** WebCrypto's HKDF unless given. The servers and the simulator's helper pass hkdf.ts's, computed
   *  in place: WebCrypto spends most of an open on the round trips of its six small HKDF steps.
   *  The widget keeps WebCrypto's, so its download carries no hash code. Same bytes either way. */
  hkdf?: HkdfFactory;
}

const suites = new Map<HkdfFactory | undefined, Map<X25519Source | NativeHpke, Promise<CipherSuite>>>();

function suiteOf(source: X25519Source | NativeHpke, hkdf: HkdfFactory | undefined): Promise<CipherSuite> {
  let bySource = suites.get(hkdf);
  if (!bySource) suites.set(hkdf, (bySource = new Map()));
  let suite = bySource.get(source);
  if (!suite) {
    suite = (async () => {
      const kem = typeof source === 'object' ? source.kem() : source === 'webcrypto' ? new WebCryptoX25519() : new (await import('@hpke/dhkem-x25519')).DhkemX25519HkdfSha256();
      if (hkdf) withKemHkdf(kem, hkdf());
      const aead = typeof source === 'object' ? source.aead() : new Aes128Gcm();
      return new CipherSuite({ kem, kdf: hkdf ? hkdf() : new HkdfSha256(), aead });
    })();
    bySource.set(source, suite);
  }
  return suite;
}

// RFC 9180 §4.1: the KEM's suite_id is "KEM" ‖ I2OSP(kem_id, 2).
const KEM_SUITE_ID = Uint8Array.of(0x4b, 0x45, 0x4d, KEM_ID >> 8, KEM_ID & 0xff);

/** Gives an X25519 KEM (either of @hpke's) its HKDF. They take none as an argument and keep their
 *  own in `_kdf`; hkdf.test.ts checks the result against RFC 9180's test vector, so a later @hpke
 *  that keeps it elsewhere fails there, not in production. */
function withKemHkdf(kem: object, kdf: HkdfSha256): void {
  const held = kem as { _kdf?: unknown };
  if (!('_kdf' in held)) throw new Error('HPKE: this X25519 KEM keeps no HKDF where expected');
  kdf.init(KEM_SUITE_ID);
  held._kdf = kdf;
}

let detected: Promise<X25519Source> | undefined;

/** WebCrypto's X25519 if a whole seal and open works with it here (some browsers lack X25519). */
function x25519Here(): Promise<X25519Source> {
  detected ??= (async () => {
    try {
      const suite = await suiteOf('webcrypto', undefined);
      const pair = await suite.kem.generateKeyPair();
      const recipientKey = await suite.kem.deserializePrivateKey(await suite.kem.serializePrivateKey(pair.privateKey));
      const recipientPublicKey = await suite.kem.deserializePublicKey(await suite.kem.serializePublicKey(pair.publicKey));
      const sealed = await suite.seal({ recipientPublicKey }, new Uint8Array(1));
      await suite.open({ recipientKey, enc: sealed.enc }, sealed.ct);
      return 'webcrypto';
    } catch {
      return 'portable';
    }
  })();
  return detected;
}

/** The cipher suite for `opts`. */
export async function hpkeSuite(opts: HpkeOptions = {}): Promise<CipherSuite> {
  return suiteOf(opts.native ?? opts.x25519 ?? (await x25519Here()), opts.hkdf);
}

export async function generateKeyPair(keyId: number, opts?: HpkeOptions): Promise<HpkeKeyPair> {
  checkKeyId(keyId);
  const suite = await hpkeSuite(opts);
  const pair = await suite.kem.generateKeyPair();
  const publicKey = new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey));
  const privateKey = new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey));
  return {
    config: { keyId, kemId: KEM_ID, kdfId: KDF_ID, aeadId: AEAD_ID, publicKey: toBase64url(publicKey) },
    privateKey: toBase64url(privateKey),
  };
}

/** Checks a configuration fetched or read as JSON; a 'bad-config' SecAggError says what is wrong. */
export function parseConfig(json: unknown): HpkeConfig {
  if (typeof json !== 'object' || json === null) return refuse('bad-config', 'HPKE configuration: expected an object');
  const c = json as Record<string, unknown>;
  checkKeyId(c.keyId);
  if (c.kemId !== KEM_ID || c.kdfId !== KDF_ID || c.aeadId !== AEAD_ID) {
    refuse('bad-config', `HPKE configuration: suite ${String(c.kemId)}/${String(c.kdfId)}/${String(c.aeadId)} is not the supported ${KEM_ID}/${KDF_ID}/${AEAD_ID} (X25519, HKDF-SHA256, AES-128-GCM)`);
  }
  if (typeof c.publicKey !== 'string' || fromBase64url(c.publicKey, 'HPKE public key').length !== 32) refuse('bad-config', 'HPKE configuration: publicKey must be 32 bytes of base64url');
  return { keyId: c.keyId as number, kemId: KEM_ID, kdfId: KDF_ID, aeadId: AEAD_ID, publicKey: c.publicKey as string };
}

export function parseKeyPair(json: unknown): HpkeKeyPair {
  if (typeof json !== 'object' || json === null) return refuse('bad-config', 'HPKE key pair: expected an object');
  const k = json as Record<string, unknown>;
  const config = parseConfig(k.config);
  if (typeof k.privateKey !== 'string' || fromBase64url(k.privateKey, 'HPKE private key').length !== 32) refuse('bad-config', 'HPKE key pair: privateKey must be 32 bytes of base64url');
  return { config, privateKey: k.privateKey as string };
}

/** The associated data: key id (u8) ‖ the report's canonical context (context.ts). */
export const encodeAad = (keyId: number, ctx: ReportContext) => concat([u8(keyId), encodeContext(ctx)]);

export async function sealSeed(config: HpkeConfig, seed: Uint8Array, ctx: ReportContext, opts?: HpkeOptions): Promise<SealedSeed> {
  if (seed.length !== SEED_BYTES) refuse('malformed', `a seed of ${seed.length} bytes, expected ${SEED_BYTES}`);
  const suite = await hpkeSuite(opts);
  const recipientPublicKey = await publicKeyOf(suite, config.publicKey);
  const sealed = await suite.seal({ recipientPublicKey, info: INFO }, seed, encodeAad(config.keyId, ctx));
  return { keyId: config.keyId, enc: new Uint8Array(sealed.enc), ciphertext: new Uint8Array(sealed.ct) };
}

/** Opens a sealed seed with whichever of `keys` has its key id; every failure is a SecAggError:
 *  'unknown-key' for a key id not held, 'malformed' for wrong sizes, 'decrypt-failed' otherwise. */
export async function openSeed(keys: readonly HpkeKeyPair[], sealed: SealedSeed, ctx: ReportContext, opts?: HpkeOptions): Promise<Uint8Array> {
  const key = keys.find((k) => k.config.keyId === sealed.keyId);
  if (!key) return refuse('unknown-key', `HPKE key id ${sealed.keyId} is not one the helper holds`);
  if (sealed.enc.length !== ENC_BYTES) refuse('malformed', `an encapsulated key of ${sealed.enc.length} bytes, expected ${ENC_BYTES}`);
  if (sealed.ciphertext.length !== SEALED_SEED_BYTES) refuse('malformed', `a sealed seed of ${sealed.ciphertext.length} bytes, expected ${SEALED_SEED_BYTES}`);
  const aad = encodeAad(sealed.keyId, ctx);
  try {
    const suite = await hpkeSuite(opts);
    const recipientKey = await recipientKeyOf(suite, key);
    return new Uint8Array(await suite.open({ recipientKey, enc: sealed.enc, info: INFO }, sealed.ciphertext, aad));
  } catch (err) {
    if (err instanceof SecAggError) throw err;
    throw new SecAggError('decrypt-failed', `the sealed seed does not open under key id ${sealed.keyId} for this report (${err instanceof Error ? err.name : 'error'})`);
  }
}

// The helper opens one seed per report: deserialize each private key once (per suite).
// (CryptoKeyPair by its shape: Node's type declarations, which the tools compile with, lack the name.)
type RecipientKey = { privateKey: CryptoKey; publicKey: CryptoKey };
const recipientKeys = new WeakMap<CipherSuite, WeakMap<HpkeKeyPair, Promise<RecipientKey>>>();

function recipientKeyOf(suite: CipherSuite, key: HpkeKeyPair): Promise<RecipientKey> {
  let cache = recipientKeys.get(suite);
  if (!cache) recipientKeys.set(suite, (cache = new WeakMap()));
  let pair = cache.get(key);
  if (!pair) {
    pair = (async () => ({
      privateKey: await suite.kem.deserializePrivateKey(fromBase64url(key.privateKey, 'HPKE private key')),
      publicKey: await suite.kem.deserializePublicKey(fromBase64url(key.config.publicKey, 'HPKE public key')),
    }))();
    cache.set(key, pair);
  }
  return pair;
}

// A device seals once per round, the simulator once per simulated device: import each published
// key once per suite. Keys rotate rarely; the bound only keeps a long-lived process from growing.
const publicKeys = new WeakMap<CipherSuite, Map<string, Promise<CryptoKey>>>();

function publicKeyOf(suite: CipherSuite, publicKey: string): Promise<CryptoKey> {
  let cache = publicKeys.get(suite);
  if (!cache) publicKeys.set(suite, (cache = new Map()));
  let key = cache.get(publicKey);
  if (!key) {
    if (cache.size >= 8) cache.clear();
    key = suite.kem.deserializePublicKey(fromBase64url(publicKey, 'HPKE public key'));
    // A key that failed to import is not kept: the next seal tries again and reports its own error.
    key.catch(() => cache.delete(publicKey));
    cache.set(publicKey, key);
  }
  return key;
}

function checkKeyId(keyId: unknown): asserts keyId is number {
  if (!(Number.isInteger(keyId) && (keyId as number) >= 0 && (keyId as number) <= 255)) refuse('bad-config', `HPKE key id ${String(keyId)}: expected an integer in [0, 255]`);
}
