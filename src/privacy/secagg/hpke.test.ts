// HPKE sealing of the helper's seed: a round trip through the published JSON, and refusal of every
// tampering: the ciphertext, the encapsulated key, each associated-data field, the key id, the key.
import { describe, expect, test } from 'vitest';
import type { ReportContext } from './context';
import { SecAggError, type SecAggErrorCode } from './errors';
import { hkdfInPlace } from './hkdf';
import { encodeAad, generateKeyPair, openSeed, parseConfig, parseKeyPair, sealSeed, type HpkeKeyPair, type HpkeOptions, type SealedSeed, type X25519Source } from './hpke';

const ctx: ReportContext = { round: 12, modelVersion: 'demo-a1b2c3d4e5f6', reportId: '0f'.repeat(16) };
const seed = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

async function refusal(p: Promise<unknown>): Promise<SecAggErrorCode> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SecAggError);
  return (err as SecAggError).code;
}

const flip = (bytes: Uint8Array, at: number) => Uint8Array.from(bytes, (b, i) => (i === at ? b ^ 0x01 : b));

describe('HPKE seed sealing', async () => {
  // As the helper would: generate, store as JSON, publish the config as JSON; the device parses it.
  const keys: HpkeKeyPair = parseKeyPair(JSON.parse(JSON.stringify(await generateKeyPair(7))));
  const published = parseConfig(JSON.parse(JSON.stringify(keys.config)));
  const sealed: SealedSeed = await sealSeed(published, seed, ctx);

  test('round trip: the helper opens what the device sealed to its published configuration', async () => {
    expect(published).toEqual({ keyId: 7, kemId: 0x20, kdfId: 1, aeadId: 1, publicKey: keys.config.publicKey });
    expect(sealed.keyId).toBe(7);
    expect(sealed.enc.length).toBe(32);
    expect(sealed.ciphertext.length).toBe(48);
    expect(await openSeed([keys], sealed, ctx)).toEqual(seed);
  });

  test('each seal is fresh: another encapsulated key and ciphertext for the same seed', async () => {
    const again = await sealSeed(published, seed, ctx);
    expect(again.enc).not.toEqual(sealed.enc);
    expect(again.ciphertext).not.toEqual(sealed.ciphertext);
  });

  test('a tampered ciphertext or encapsulated key does not open', async () => {
    for (const at of [0, 17, 31, 32, 47]) expect(await refusal(openSeed([keys], { ...sealed, ciphertext: flip(sealed.ciphertext, at) }, ctx))).toBe('decrypt-failed');
    for (const at of [0, 31]) expect(await refusal(openSeed([keys], { ...sealed, enc: flip(sealed.enc, at) }, ctx))).toBe('decrypt-failed');
  });

  test('any other round, model version or report id in the associated data does not open', async () => {
    for (const other of [{ round: 13 }, { modelVersion: 'demo-a1b2c3d4e5f7' }, { reportId: '0f'.repeat(15) + '0e' }]) {
      const code = await refusal(openSeed([keys], sealed, { ...ctx, ...other }));
      expect(code).toBe('decrypt-failed');
    }
  });

  test('an unknown key id is refused; a known id other than the one sealed to, or another key, does not open', async () => {
    expect(await refusal(openSeed([keys], { ...sealed, keyId: 8 }, ctx))).toBe('unknown-key');
    // The helper holds key 8 too: the seed names it, but was sealed to key 7 (and 7 is in the AAD).
    const eight = await generateKeyPair(8);
    expect(await refusal(openSeed([keys, eight], { ...sealed, keyId: 8 }, ctx))).toBe('decrypt-failed');
    // Same key id, another key (a rotated key reusing the id).
    const impostor = await generateKeyPair(7);
    expect(await refusal(openSeed([impostor], sealed, ctx))).toBe('decrypt-failed');
    expect(await openSeed([eight, keys], sealed, ctx)).toEqual(seed);
  });

  test('wrong sizes are refused before any decryption', async () => {
    expect(await refusal(openSeed([keys], { ...sealed, enc: sealed.enc.subarray(1) }, ctx))).toBe('malformed');
    expect(await refusal(openSeed([keys], { ...sealed, ciphertext: sealed.ciphertext.subarray(1) }, ctx))).toBe('malformed');
    expect(await refusal(sealSeed(published, seed.subarray(1), ctx))).toBe('malformed');
  });

  test('the associated data is key id ‖ round ‖ report id ‖ model version, in one canonical form', () => {
    const aad = encodeAad(7, { round: 0x01020304, modelVersion: 'v1', reportId: 'ab'.repeat(16) });
    expect(Array.from(aad)).toEqual([7, 1, 2, 3, 4, ...new Array(16).fill(0xab), 0, 2, 0x76, 0x31]);
  });
});

describe('X25519 from WebCrypto and from JavaScript, HKDF from WebCrypto and in place', () => {
  const suites: HpkeOptions[] = (['webcrypto', 'portable'] as X25519Source[]).flatMap((x25519) => [{ x25519 }, { x25519, hkdf: hkdfInPlace }]);
  test('interoperate both ways: keys made by any, sealed by any, open with any', async () => {
    for (const made of suites) {
      const pair = parseKeyPair(JSON.parse(JSON.stringify(await generateKeyPair(1, made))));
      for (const sealer of suites) {
        const box = await sealSeed(pair.config, seed, ctx, sealer);
        for (const opener of suites) {
          expect(await openSeed([pair], box, ctx, opener)).toEqual(seed);
          expect(await refusal(openSeed([pair], box, { ...ctx, round: 0 }, opener))).toBe('decrypt-failed');
        }
      }
    }
  });
});

describe('HPKE configuration', () => {
  const good = { keyId: 1, kemId: 0x20, kdfId: 1, aeadId: 1, publicKey: 'A'.repeat(43) };

  test('refuses what it cannot use, saying why', () => {
    const cases: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ ...good, keyId: 256 }, /key id 256/],
      [{ ...good, keyId: 1.5 }, /key id 1.5/],
      [{ ...good, kemId: 0x10 }, /not the supported/],
      [{ ...good, aeadId: 3 }, /not the supported/],
      [{ ...good, publicKey: 'A'.repeat(42) }, /32 bytes/],
      [{ ...good, publicKey: 'A+'.repeat(22) }, /not base64url/],
      [{ ...good, publicKey: 7 }, /32 bytes/],
    ];
    for (const [json, message] of cases) expect(() => parseConfig(json)).toThrow(message);
    expect(parseConfig(good)).toEqual(good);
    expect(() => parseKeyPair({ config: good, privateKey: 'c2hvcnQ' })).toThrow(/privateKey must be 32 bytes/);
  });
});
