// HPKE with its HKDF computed in place (hkdf.ts) is still RFC 9180: it opens and reproduces the
// RFC's test vector A.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode) with
// either X25519, and interoperates with @hpke/core's all-WebCrypto suite in both directions.
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { describe, expect, test } from 'vitest';
import { hkdfInPlace } from './hkdf';
import { hpkeSuite, type X25519Source } from './hpke';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));

// RFC 9180, Appendix A.1.1, sequence number 0.
const A1 = {
  info: hex('4f6465206f6e2061204772656369616e2055726e'),
  skEm: hex('52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736'),
  pkEm: hex('37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431'),
  skRm: hex('4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8'),
  pkRm: hex('3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d'),
  pt: hex('4265617574792069732074727574682c20747275746820626561757479'),
  aad: hex('436f756e742d30'),
  ct: hex('f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a'),
};

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
