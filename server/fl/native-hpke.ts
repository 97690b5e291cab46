// HPKE's X25519 and AES-128-GCM from Node's crypto (OpenSSL), for the processes that seal or open
// seeds in bulk: the helper and the simulator (hpke.ts HpkeOptions.native). @hpke/core's own run
// through WebCrypto, whose asynchronous calls (a thread-pool round trip each, five per seal or
// open) cost about three times the cryptography itself here. The KEM is @hpke/common's DHKEM over
// Montgomery curves with Node's X25519 in place of a JavaScript curve, and RFC 9180's key schedule
// is @hpke/core's either way: only the two primitives change, and the bytes do not
// (native-hpke.test.ts: RFC 9180's test vector, and both ways with the WebCrypto suite).
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AeadId, Dhkem, HkdfSha256Native, KemId, XCurveDhkemPrimitives, type AeadEncryptionContext, type AeadInterface, type MontgomeryECDH } from '@hpke/common';
import { fromBase64url, toBase64url, viewOf } from '../../src/privacy/secagg/bytes';
import type { NativeHpke } from '../../src/privacy/secagg/hpke';

// A raw X25519 key is 32 bytes; Node's KeyObjects take them as JWK (base64url) or DER. A public key
// imports from JWK in about 25 µs; a private one needs its public half for JWK, and takes about
// 0.9 ms from DER. So a key pair made here keeps its KeyObject, and a private key imported from
// bytes (the helper's own, opened with on every report) is parsed once.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const privateObjects = new WeakMap<Uint8Array, KeyObject>();
const publicHalves = new WeakMap<Uint8Array, Uint8Array>();

// A copy in an ArrayBuffer of its own: the KEM hands out `.buffer`, and Node's Buffers share pools.
const own = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes);
const rawOf = (base64url: string | undefined): Uint8Array => fromBase64url(base64url ?? '', 'X25519 key');

function privateKeyOf(sk: Uint8Array): KeyObject {
  let key = privateObjects.get(sk);
  if (!key) privateObjects.set(sk, (key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, sk]), format: 'der', type: 'pkcs8' })));
  return key;
}

const publicKeyOf = (pk: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: toBase64url(pk) }, format: 'jwk' });

function publicKeyFor(sk: Uint8Array): Uint8Array {
  let pk = publicHalves.get(sk);
  if (!pk) publicHalves.set(sk, (pk = rawOf(createPublicKey(privateKeyOf(sk)).export({ format: 'jwk' }).x)));
  return pk;
}

// OpenSSL refuses a point of small order (an all-zero shared secret), as RFC 9180 §7.1.4 asks.
const sharedSecret = (sk: Uint8Array, pk: Uint8Array): Uint8Array => own(diffieHellman({ privateKey: privateKeyOf(sk), publicKey: publicKeyOf(pk) }));

function randomKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const { privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const secretKey = rawOf(jwk.d);
  const publicKey = rawOf(jwk.x);
  privateObjects.set(secretKey, privateKey);
  publicHalves.set(secretKey, publicKey);
  return { secretKey, publicKey };
}

const BASE_POINT = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));

/** X25519 (RFC 7748) in OpenSSL, in the shape @hpke/common's Montgomery-curve DHKEM reads. */
const x25519: MontgomeryECDH = {
  scalarMult: sharedSecret,
  scalarMultBase: publicKeyFor,
  getSharedSecret: sharedSecret,
  getPublicKey: publicKeyFor,
  utils: { randomSecretKey: async () => randomKeyPair().secretKey },
  GuBytes: BASE_POINT,
  lengths: { secretKey: 32, publicKey: 32 },
  keygen: randomKeyPair,
};

class NativeX25519Kem extends Dhkem {
  constructor() {
    const kdf = new HkdfSha256Native();
    super(KemId.DhkemX25519HkdfSha256, new XCurveDhkemPrimitives('X25519', 32, x25519, kdf), kdf);
    Object.assign(this, { secretSize: 32, encSize: 32, publicKeySize: 32, privateKeySize: 32 });
  }
}

const TAG_BYTES = 16;
const arrayBuffer = (parts: Uint8Array[]): ArrayBuffer => {
  const joined = Buffer.concat(parts);
  return joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.length) as ArrayBuffer;
};

/** AES-128-GCM (RFC 5116) with a 16-byte tag after the ciphertext, as WebCrypto lays it out. */
class NativeAes128Gcm implements AeadInterface {
  readonly id = AeadId.Aes128Gcm;
  readonly keySize = 16;
  readonly nonceSize = 12;
  readonly tagSize = TAG_BYTES;

  createEncryptionContext(key: ArrayBufferLike | ArrayBufferView): AeadEncryptionContext {
    const k = Uint8Array.from(viewOf(key));
    return {
      seal: async (iv, data, aad) => {
        const cipher = createCipheriv('aes-128-gcm', k, viewOf(iv), { authTagLength: TAG_BYTES });
        cipher.setAAD(viewOf(aad));
        return arrayBuffer([cipher.update(viewOf(data)), cipher.final(), cipher.getAuthTag()]);
      },
      open: async (iv, data, aad) => {
        const all = viewOf(data);
        if (all.length < TAG_BYTES) throw new Error('AES-GCM: a ciphertext shorter than its tag');
        const decipher = createDecipheriv('aes-128-gcm', k, viewOf(iv), { authTagLength: TAG_BYTES });
        decipher.setAAD(viewOf(aad));
        decipher.setAuthTag(all.subarray(all.length - TAG_BYTES));
        // final() throws when the tag does not match: nothing of a forged message is returned.
        return arrayBuffer([decipher.update(all.subarray(0, all.length - TAG_BYTES)), decipher.final()]);
      },
    };
  }
}

/** HpkeOptions.native for Node processes. */
export const nodeHpke: NativeHpke = { kem: () => new NativeX25519Kem(), aead: () => new NativeAes128Gcm() };
