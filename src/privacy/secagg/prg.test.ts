// The PRG: deterministic for a seed and context, bound to every field of the context, uniform, and
// exactly HKDF-SHA256 then AES-128-CTR (checked against an independent implementation).
import { ctr } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import { concat, u32, u8, utf8 } from './bytes';
import { encodeContext, type ReportContext } from './context';
import { SecAggError } from './errors';
import { expand, expandBytes } from './prg';

const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const ctx: ReportContext = { round: 7, modelVersion: 'demo-0123456789ab', reportId: '00112233445566778899aabbccddeeff' };

describe('expand', () => {
  test('is HKDF-SHA256(seed, salt = label, info = width ‖ length ‖ context) keying AES-128-CTR from counter 0', async () => {
    const info = concat([u8(24), u32(1000), encodeContext(ctx)]);
    const key = hkdf(sha256, seed, utf8('shelfwise/secagg/v1 prg'), info, 16);
    const expected = ctr(key, new Uint8Array(16)).encrypt(new Uint8Array(3000));
    expect(await expandBytes(seed, 1000, 24, ctx)).toEqual(expected);
  });

  test('the same seed and context give the same mask; elements are in [0, 2^w)', async () => {
    const a = await expand(seed, 10_656, 24, ctx);
    expect(await expand(seed, 10_656, 24, ctx)).toEqual(a);
    expect(a.length).toBe(10_656);
    expect(Math.max(...a)).toBeLessThan(2 ** 24);
  });

  test('every context field, the width and the length change the whole stream, not just a suffix', async () => {
    const base = await expandBytes(seed, 4096, 32, ctx);
    const variants = [
      expandBytes(seed, 4096, 32, { ...ctx, round: 8 }),
      expandBytes(seed, 4096, 32, { ...ctx, modelVersion: 'demo-0123456789ac' }),
      expandBytes(seed, 4096, 32, { ...ctx, reportId: '00112233445566778899aabbccddeefe' }),
      expandBytes(seed, 4095, 32, ctx),
      expandBytes(seed, 5462, 24, ctx), // 16,386 bytes, overlapping the first 16,384
      expandBytes(Uint8Array.from(seed, (b, i) => (i === 31 ? b ^ 1 : b)), 4096, 32, ctx),
    ];
    for (const v of await Promise.all(variants)) {
      const same = v.subarray(0, 64).every((b, i) => b === base[i]);
      expect(same).toBe(false);
    }
  });

  test('bytes are uniform: Pearson chi-square over the 256 byte values, 255 df, α = 0.001', async () => {
    const bytes = await expandBytes(seed, 84_608, 32, ctx);
    const counts = new Float64Array(256);
    for (const b of bytes) counts[b]++;
    const expected = bytes.length / 256;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(330.5); // the 0.999 quantile of chi-square with 255 df
  });

  test('refuses a seed that is not 32 bytes and a length that is not a positive count', async () => {
    await expect(expand(seed.subarray(1), 10, 32, ctx)).rejects.toThrow(SecAggError);
    await expect(expand(seed, 0, 32, ctx)).rejects.toThrow(/share length/);
    await expect(expand(seed, 10, 32, { ...ctx, reportId: 'not hex' })).rejects.toThrow(/report id/);
  });
});
