// The device's one upload: built, encoded, parsed by the leader, opened by the helper; the two
// shares sum to the update for the demo's and Beauty's sizes. Every malformed or tampered report is
// refused with a SecAggError naming the problem, and random corruption never crashes the parser.
import { describe, expect, test } from 'vitest';
import { rng } from '../../shared/random';
import { MAX_CODE } from '../fixed-point';
import { SecAggError, type SecAggErrorCode } from './errors';
import { generateKeyPair } from './hpke';
import { buildReport, encodeReport, helperShare, parseReport, type Expected, type Report } from './report';
import { addBytesInto, toSigned, type Width } from './ring';

const keys = await generateKeyPair(3);
const round = { round: 41, modelVersion: 'demo-0123456789ab' };

/** A random update of L2 norm at most 32767, as a clipped encoding is; `extreme` puts all of it on
 *  one coordinate, at −32767. */
function update(length: number, seed: number, extreme = false): Int16Array {
  if (extreme) {
    const x = new Int16Array(length);
    x[seed % length] = -MAX_CODE;
    return x;
  }
  const r = rng(seed);
  const spread = MAX_CODE / Math.sqrt(length);
  return Int16Array.from({ length }, () => Math.trunc((r() * 2 - 1) * spread));
}

const expectedFor = (length: number, width: Width): Expected => ({ ...round, length, width, keyIds: [3] });

function code(f: () => unknown): SecAggErrorCode | 'accepted' {
  try {
    f();
    return 'accepted';
  } catch (err) {
    if (!(err instanceof SecAggError)) throw err;
    return err.code;
  }
}

/** The first index where the two differ, or −1: cheaper than a deep equality on 84,608 values. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('buildReport → parseReport → helperShare', () => {
  for (const [length, width, extreme] of [[10_656, 24, false], [10_656, 24, true], [84_608, 32, false], [84_608, 24, true]] as [number, Width, boolean][]) {
    test(`leader share + helper share = update, d = ${length}, ${width}-bit ring${extreme ? ', one coordinate at −32767' : ''}`, async () => {
      const x = update(length, length + 1, extreme);
      const wire = encodeReport(await buildReport({ update: x, ...round, width, helperConfig: keys.config }));
      const report = parseReport(wire, expectedFor(length, width));
      const sum = await helperShare([keys], report);
      addBytesInto(sum, report.leaderShare, width);
      expect(firstDifference(toSigned(sum, width), x)).toBe(-1);
    });
  }

  test('the wire layout: a 117-byte header plus the model version, then d·w/8 bytes of share', async () => {
    const r = await buildReport({ update: update(100, 1), ...round, width: 24, helperConfig: keys.config });
    const wire = encodeReport(r);
    expect(wire.length).toBe(117 + round.modelVersion.length + 300);
    expect(Array.from(wire.subarray(0, 15))).toEqual([0x53, 0x57, 0x53, 0x41, 1, 24, 3, 0, 0, 0, 41, 0, 0, 0, 100]);
    expect(r.reportId).toMatch(/^[0-9a-f]{32}$/);
    expect(Array.from(wire.subarray(15, 31))).toEqual(r.reportId.match(/../g)!.map((h) => parseInt(h, 16)));
    expect(wire.subarray(117 + round.modelVersion.length)).toEqual(r.leaderShare);
    expect(parseReport(wire)).toEqual(r);
  });

  test('two reports of the same update share nothing: fresh report id, seed and mask', async () => {
    const x = update(1000, 2);
    const [a, b] = await Promise.all([0, 1].map(() => buildReport({ update: x, ...round, width: 32, helperConfig: keys.config })));
    expect(a.reportId).not.toBe(b.reportId);
    expect(a.sealedSeed.enc).not.toEqual(b.sealedSeed.enc);
    expect(firstDifference(a.leaderShare, b.leaderShare)).toBeLessThan(4);
  });

  test('the device refuses a bad configuration, width or update before uploading anything', async () => {
    const ok = { update: update(10, 3), ...round, width: 24 as Width, helperConfig: keys.config };
    await expect(buildReport({ ...ok, helperConfig: { ...keys.config, aeadId: 3 } })).rejects.toThrow(/not the supported/);
    await expect(buildReport({ ...ok, width: 20 as Width })).rejects.toThrow(/ring width 20/);
    await expect(buildReport({ ...ok, round: -1 })).rejects.toThrow(/round -1/);
    await expect(buildReport({ ...ok, modelVersion: '' })).rejects.toThrow(/model version/);
    await expect(buildReport({ ...ok, update: Int16Array.of(-32768) })).rejects.toThrow(/norm 32768.0 exceeds 32767/);
    await expect(buildReport({ ...ok, update: Int16Array.of(32767, 1) })).rejects.toThrow(/norm 32767.0 exceeds/);
    await expect(buildReport({ ...ok, update: Int16Array.of(0, 32767) })).resolves.toBeDefined();
  });
});

describe('the leader refuses', async () => {
  const length = 64;
  const good = encodeReport(await buildReport({ update: update(length, 4), ...round, width: 24, helperConfig: keys.config }));
  const expected = expectedFor(length, 24);
  const edit = (at: number, value: number) => Uint8Array.from(good, (b, i) => (i === at ? value : b));

  test('a truncated report at every length, and trailing bytes', () => {
    for (let n = 0; n < good.length; n++) expect(code(() => parseReport(good.subarray(0, n), expected))).toMatch(/^(malformed|wrong-size)$/);
    expect(code(() => parseReport(Uint8Array.from([...good, 0]), expected))).toBe('wrong-size');
  });

  test('a wrong magic, version, width, length, or an empty update', () => {
    expect(code(() => parseReport(edit(0, 0x54), expected))).toBe('malformed');
    expect(code(() => parseReport(edit(4, 2), expected))).toBe('malformed');
    expect(code(() => parseReport(edit(5, 20), expected))).toBe('malformed');
    expect(code(() => parseReport(edit(5, 32), expected))).toBe('wrong-size'); // a 32-bit width needs more bytes
    expect(code(() => parseReport(edit(14, length + 1), expected))).toBe('wrong-size');
    expect(code(() => parseReport(edit(14, 0), expected))).toBe('malformed');
  });

  test('a report for another round, model version, shape or key id than the round collects', () => {
    expect(code(() => parseReport(good, { ...expected, round: 42 }))).toBe('wrong-round');
    expect(code(() => parseReport(good, { ...expected, modelVersion: 'demo-0123456789ac' }))).toBe('wrong-round');
    expect(code(() => parseReport(good, { ...expected, width: 32 }))).toBe('wrong-size');
    expect(code(() => parseReport(good, { ...expected, length: 65 }))).toBe('wrong-size');
    expect(code(() => parseReport(good, { ...expected, keyIds: [4] }))).toBe('unknown-key');
    expect(code(() => parseReport(good, expected))).toBe('accepted');
  });

  test('a model version that is not UTF-8, and an encapsulated key or sealed seed of the wrong size', () => {
    expect(code(() => parseReport(edit(33, 0xff), expected))).toBe('malformed');
    const L = round.modelVersion.length;
    expect(code(() => parseReport(edit(33 + L + 1, 31), expected))).toBe('malformed');
    expect(code(() => parseReport(edit(67 + L + 1, 47), expected))).toBe('malformed');
  });

  test('random corruption is refused or parsed, never crashes: 3,000 mutated reports', () => {
    const r = rng(5);
    for (let i = 0; i < 3000; i++) {
      const bad = good.slice(0, Math.floor(r() * (good.length + 1)));
      for (let k = 0; k < 3; k++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      expect(() => code(() => parseReport(bad, expected))).not.toThrow();
    }
    expect(code(() => parseReport('not bytes' as unknown as Uint8Array))).toBe('malformed');
  });
});

describe('the helper refuses what the leader cannot check', async () => {
  const length = 64;
  const report: Report = parseReport(encodeReport(await buildReport({ update: update(length, 6), ...round, width: 24, helperConfig: keys.config })));
  const refusal = async (r: Report) => {
    const err = await helperShare([keys], r).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SecAggError);
    return (err as SecAggError).code;
  };

  test('a report id, round or model version changed in transit', async () => {
    expect(await refusal({ ...report, reportId: report.reportId.replace(/^./, (c) => (c === '0' ? '1' : '0')) })).toBe('decrypt-failed');
    expect(await refusal({ ...report, round: report.round + 1 })).toBe('decrypt-failed');
    expect(await refusal({ ...report, modelVersion: `${report.modelVersion}x` })).toBe('decrypt-failed');
  });

  test('a tampered sealed seed or encapsulated key, and a key id it does not hold', async () => {
    const flipped = (b: Uint8Array) => Uint8Array.from(b, (v, i) => (i === 5 ? v ^ 0x80 : v));
    expect(await refusal({ ...report, sealedSeed: { ...report.sealedSeed, ciphertext: flipped(report.sealedSeed.ciphertext) } })).toBe('decrypt-failed');
    expect(await refusal({ ...report, sealedSeed: { ...report.sealedSeed, enc: flipped(report.sealedSeed.enc) } })).toBe('decrypt-failed');
    expect(await refusal({ ...report, sealedSeed: { ...report.sealedSeed, keyId: 9 } })).toBe('unknown-key');
  });
});
