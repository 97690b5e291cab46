// HPKE with Node's X25519 and AES-128-GCM (native-hpke.ts) is still RFC 9180's suite: it opens and
// reproduces the RFC's test vector A.1, interoperates with the widget's WebCrypto suite both ways
// through sealSeed and openSeed, and refuses what WebCrypto refuses.
import { describe, expect, test } from 'vitest';
import type { CipherSuite } from '@hpke/core';
import { hkdfInPlace } from '../../src/privacy/secagg/hkdf';
import { generateKeyPair, hpkeSuite, openSeed, sealSeed } from '../../src/privacy/secagg/hpke';
import { nodeHpke } from './native-hpke';
import { A1 } from '../../src/privacy/secagg/rfc9180-vector';

const ctx = { round: 7, modelVersion: 'demo-v3', reportId: '00112233445566778899aabbccddeeff' };
const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);

describe.each([
  ['WebCrypto HKDF', undefined],
  ['HKDF in place', hkdfInPlace],
] as const)('HPKE with Node’s X25519 and AES-GCM, %s', (_, hkdf) => {
  test('opens RFC 9180 A.1', async () => {
    const suite = await hpkeSuite({ native: nodeHpke, hkdf });
    const recipientKey = await suite.kem.deserializePrivateKey(A1.skRm);
    expect(new Uint8Array(await suite.open({ recipientKey, enc: A1.pkEm, info: A1.info }, A1.ct, A1.aad))).toEqual(A1.pt);
  });

  test('seals to RFC 9180 A.1 from its ephemeral key, and derives its public keys', async () => {
    const suite = await hpkeSuite({ native: nodeHpke, hkdf });
    const ekm = { privateKey: await suite.kem.deserializePrivateKey(A1.skEm), publicKey: await suite.kem.deserializePublicKey(A1.pkEm) };
    const sender = await suite.createSenderContext({ recipientPublicKey: await suite.kem.deserializePublicKey(A1.pkRm), info: A1.info, ekm } as Parameters<CipherSuite['createSenderContext']>[0]);
    expect(new Uint8Array(sender.enc)).toEqual(A1.pkEm);
    expect(new Uint8Array(await sender.seal(A1.pt, A1.aad))).toEqual(A1.ct);
    // A fresh ephemeral key each seal, so two seals of the same seed differ.
    const recipientPublicKey = await suite.kem.deserializePublicKey(A1.pkRm);
    const [a, b] = [await suite.seal({ recipientPublicKey }, A1.pt), await suite.seal({ recipientPublicKey }, A1.pt)];
    expect(new Uint8Array(a.enc)).not.toEqual(new Uint8Array(b.enc));
  });

  test('a seed sealed by either suite opens with the other', async () => {
    const keys = await generateKeyPair(4, { native: nodeHpke, hkdf });
    const byNode = await sealSeed(keys.config, seed, ctx, { native: nodeHpke, hkdf });
    expect(await openSeed([keys], byNode, ctx)).toEqual(seed);
    const byWebCrypto = await sealSeed(keys.config, seed, ctx);
    expect(await openSeed([keys], byWebCrypto, ctx, { native: nodeHpke, hkdf })).toEqual(seed);
  });

  test('refuses a tampered ciphertext, encapsulated key or context, as WebCrypto does', async () => {
    const keys = await generateKeyPair(4);
    const sealed = await sealSeed(keys.config, seed, ctx);
    const flip = (b: Uint8Array, i: number) => b.map((x, j) => (j === i ? x ^ 1 : x));
    const opts = { native: nodeHpke, hkdf };
    for (const i of [0, 31, 47]) await expect(openSeed([keys], { ...sealed, ciphertext: flip(sealed.ciphertext, i) }, ctx, opts)).rejects.toMatchObject({ code: 'decrypt-failed' });
    await expect(openSeed([keys], { ...sealed, enc: flip(sealed.enc, 3) }, ctx, opts)).rejects.toMatchObject({ code: 'decrypt-failed' });
    await expect(openSeed([keys], sealed, { ...ctx, round: 8 }, opts)).rejects.toMatchObject({ code: 'decrypt-failed' });
    // A point of small order (here zero) gives an all-zero shared secret, which RFC 9180 refuses.
    await expect(openSeed([keys], { ...sealed, enc: new Uint8Array(32) }, ctx, opts)).rejects.toMatchObject({ code: 'decrypt-failed' });
  });
});
