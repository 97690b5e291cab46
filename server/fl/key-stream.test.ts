// The helper's native key stream is the device's WebCrypto one, byte for byte: a share expanded by
// either sums to the same update, whatever the ring, length or context.
import { describe, expect, test } from 'vitest';
import { expand, expandBytes, webCryptoStream } from '../../src/privacy/secagg/prg';
import { split } from '../../src/privacy/secagg/shares';
import { nativeKeyStream } from './key-stream';

const ctx = { round: 3, modelVersion: 'demo-0123456789ab', reportId: '00112233445566778899aabbccddeeff' };

describe('nativeKeyStream', () => {
  test('gives WebCrypto’s bytes for both widths, odd lengths and several seeds', async () => {
    for (const [length, width] of [[1, 24], [5462, 24], [84_608, 32], [4097, 32]] as const) {
      for (let s = 0; s < 3; s++) {
        const seed = crypto.getRandomValues(new Uint8Array(32));
        const native = await expandBytes(seed, length, width, ctx, nativeKeyStream);
        expect(native.length).toBe((length * width) / 8);
        // Buffer's comparison: an element-wise deep equality of 338 KB takes seconds.
        expect(Buffer.from(native).equals(await expandBytes(seed, length, width, ctx, webCryptoStream))).toBe(true);
      }
    }
  });

  test('a share split on the device (WebCrypto) and expanded by the helper (native) sums to the update', async () => {
    const update = Int16Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 65535) - 32767);
    const { helperSeed, leaderShare } = await split(update, 32, ctx);
    const helper = await expand(helperSeed, update.length, 32, ctx, nativeKeyStream);
    expect(Array.from(update, (_, i) => (leaderShare[i] + helper[i]) | 0)).toEqual(Array.from(update));
  });

  test('successive streams do not share state: the same seed twice, then another, then the first again', async () => {
    const a = crypto.getRandomValues(new Uint8Array(32));
    const b = crypto.getRandomValues(new Uint8Array(32));
    const first = await expandBytes(a, 3000, 32, ctx, nativeKeyStream);
    const other = await expandBytes(b, 3000, 32, ctx, nativeKeyStream);
    expect(other).not.toEqual(first);
    expect(await expandBytes(a, 3000, 32, ctx, nativeKeyStream)).toEqual(first);
  });
});
