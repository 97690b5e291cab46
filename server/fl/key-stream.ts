// The PRG's key stream (src/privacy/secagg/prg.ts KeyStream) from Node's own crypto, for the helper,
// which expands one seed per report, and for the simulator, which plays thousands of devices a
// round: HKDF and AES-128-CTR in native code, synchronously. The bytes are WebCrypto's
// (key-stream.test.ts); what goes is WebCrypto's copies of a share-sized buffer and its
// thread-pool round trips, most of an expansion's time in Node.
import { createCipheriv, hkdfSync } from 'node:crypto';
import { zeros, type KeyStream } from '../../src/privacy/secagg/prg';

// An all-zero counter block. WebCrypto's 64-bit counter and OpenSSL's 128-bit one count the same
// blocks from zero until 2^64 blocks, far beyond any share.
const COUNTER = Buffer.alloc(16);

export const nativeKeyStream: KeyStream = (seed, salt, info, bytes) => {
  const key = Buffer.from(hkdfSync('sha256', seed, salt, info, 16));
  const cipher = createCipheriv('aes-128-ctr', key, COUNTER);
  const out = cipher.update(zeros(bytes));
  key.fill(0);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
