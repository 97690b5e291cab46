// HPKE with its HKDF computed in place (hkdf.ts) is still RFC 9180: it opens and reproduces the
// RFC's test vector A.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode) with
// either X25519, and interoperates with @hpke/core's all-WebCrypto suite in both directions.
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { describe, expect, test } from 'vitest';
import { hkdfInPlace } from './hkdf';
import { hpkeSuite, type X25519Source } from './hpke';
import { A1 } from './rfc9180-vector';

const sources: X25519Source[] = ['webcrypto', 'portable'];

describe.each(sources)('HPKE with HKDF in place, X25519 from %s', (source) => {
  test('opens RFC 9180 A.1', async () => {
    const suite = await hpkeSuite({ x25519: source, hkdf: hkdfInPlace });
    const recipientKey = await suite.kem.deserializePrivateKey(A1.skRm);
    const pt = await suite.open({ recipientKey, enc: A1.pkEm, info: A1.info }, A1.ct, A1.aad);
    expect(new Uint8Array(pt)).toEqual(A1.pt);
  });

  test('seals to RFC 9180 A.1 from its ephemeral key', async () => {
    const suite = await hpkeSuite({ x25519: source, hkdf: hkdfInPlace });
    const ekm = { privateKey: await suite.kem.deserializePrivateKey(A1.skEm), publicKey: await suite.kem.deserializePublicKey(A1.pkEm) };
    const sender = await suite.createSenderContext({ recipientPublicKey: await suite.kem.deserializePublicKey(A1.pkRm), info: A1.info, ekm } as Parameters<CipherSuite['createSenderContext']>[0]);
    expect(new Uint8Array(sender.enc)).toEqual(A1.pkEm);
    expect(new Uint8Array(await sender.seal(A1.pt, A1.aad))).toEqual(A1.ct);
  });

  test('interoperates with the all-WebCrypto suite both ways', async () => {
    const ours = await hpkeSuite({ x25519: source, hkdf: hkdfInPlace });
    const stock = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });
    const pair = await stock.kem.generateKeyPair();
    // Each suite's keys are its own objects: they cross as bytes, as they do on the wire.
    const publicKey = await stock.kem.serializePublicKey(pair.publicKey);
    const ourKey = await ours.kem.deserializePrivateKey(await stock.kem.serializePrivateKey(pair.privateKey));
    const theirs = await stock.seal({ recipientPublicKey: pair.publicKey, info: A1.info }, A1.pt, A1.aad);
    expect(new Uint8Array(await ours.open({ recipientKey: ourKey, enc: theirs.enc, info: A1.info }, theirs.ct, A1.aad))).toEqual(A1.pt);
    const mine = await ours.seal({ recipientPublicKey: await ours.kem.deserializePublicKey(publicKey), info: A1.info }, A1.pt, A1.aad);
    expect(new Uint8Array(await stock.open({ recipientKey: pair, enc: mine.enc, info: A1.info }, mine.ct, A1.aad))).toEqual(A1.pt);
  });
});
