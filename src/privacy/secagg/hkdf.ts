// HPKE's HKDF-SHA256 computed in place by @noble/hashes (audited, RFC 5869) instead of WebCrypto,
// for the processes that open or seal many seeds (the helper, the simulator): hpke.ts HpkeOptions.
// One seal or open runs six HKDF steps; through WebCrypto each is two asynchronous calls (import a
// key, then sign or derive), and their round trips, not the hashing, made up most of an open's
// time (about 2 of 3 ms in Node). The labels, the suite ids and the order of the steps stay
// @hpke/core's: only the two RFC 5869 primitives are swapped, and the output is the same bytes
// (hkdf.test.ts: RFC 9180's test vector, and both ways with the WebCrypto suite).
import { HkdfSha256 } from '@hpke/core';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { viewOf } from './bytes';
import type { HkdfFactory } from './hpke';

type Input = ArrayBufferLike | ArrayBufferView;

const buffer = (x: Uint8Array): ArrayBuffer => x.slice().buffer as ArrayBuffer;

class HkdfSha256InPlace extends HkdfSha256 {
  override async extract(salt: Input, ikm: Input): Promise<ArrayBuffer> {
    // An empty salt is HashLen zeros (RFC 5869 §2.2); HMAC pads an empty key with zeros to the same.
    return buffer(extract(sha256, viewOf(ikm), viewOf(salt)));
  }

  override async expand(prk: Input, info: Input, len: number): Promise<ArrayBuffer> {
    return buffer(expand(sha256, viewOf(prk), viewOf(info), len));
  }

  override async extractAndExpand(salt: Input, ikm: Input, info: Input, len: number): Promise<ArrayBuffer> {
    return buffer(expand(sha256, extract(sha256, viewOf(ikm), viewOf(salt)), viewOf(info), len));
  }
}


/** HpkeOptions.hkdf for a process that opens or seals seeds in bulk. */
export const hkdfInPlace: HkdfFactory = () => new HkdfSha256InPlace();
