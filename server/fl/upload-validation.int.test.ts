// The upload endpoint against everything a broken or hostile client can send: each bad upload gets
// a 4xx whose message names the problem, never a 5xx, and changes no count but "rejected".
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { FlStatus, RoundInfo } from '../../src/sync/wire';
import { NOT_A_NUMBER } from '../../src/privacy/fixed-point';
import {
  bytesOf, freshToken, getJson, goodHeaders, seededUniform, startFlServer, tempDir, testConfig, upload, validUpdate,
  type FlServer, type UploadOptions,
} from './fl-test-helpers';

interface BadCase {
  name: string;
  make: (info: RoundInfo, good: Uint8Array) => UploadOptions;
  status: number;
  error: RegExp;
}

const codesWith = (good: Uint8Array, edit: (c: Int16Array) => void) => {
  const codes = new Int16Array(good.slice().buffer);
  edit(codes);
  return bytesOf(codes);
};

const BAD: BadCase[] = [
  { name: 'no round header', make: (i, b) => ({ ...goodHeaders(i), round: undefined, body: b }), status: 400, error: /^x-shelfwise-round: expected a round number$/ },
  { name: 'round not a number', make: (i, b) => ({ ...goodHeaders(i), round: 'abc', body: b }), status: 400, error: /^x-shelfwise-round: expected a round number$/ },
  { name: 'round 0', make: (i, b) => ({ ...goodHeaders(i), round: '0', body: b }), status: 400, error: /^x-shelfwise-round/ },
  { name: 'negative round', make: (i, b) => ({ ...goodHeaders(i), round: '-1', body: b }), status: 400, error: /^x-shelfwise-round/ },
  { name: 'fractional round', make: (i, b) => ({ ...goodHeaders(i), round: '1.5', body: b }), status: 400, error: /^x-shelfwise-round/ },
  { name: 'round in hex', make: (i, b) => ({ ...goodHeaders(i), round: `0x${i.round.toString(16)}`, body: b }), status: 400, error: /^x-shelfwise-round/ },
  { name: 'round in exponent notation', make: (i, b) => ({ ...goodHeaders(i), round: `${i.round}e0`, body: b }), status: 400, error: /^x-shelfwise-round/ },
  { name: 'no model header', make: (i, b) => ({ ...goodHeaders(i), model: undefined, body: b }), status: 400, error: /^x-shelfwise-model: missing$/ },
  { name: 'no token', make: (i, b) => ({ ...goodHeaders(i), token: undefined, body: b }), status: 400, error: /^x-shelfwise-token: expected 32 hex digits$/ },
  { name: 'short token', make: (i, b) => ({ ...goodHeaders(i), token: 'abcdef', body: b }), status: 400, error: /^x-shelfwise-token: expected 32 hex digits$/ },
  { name: 'token not hex', make: (i, b) => ({ ...goodHeaders(i), token: 'z'.repeat(32), body: b }), status: 400, error: /^x-shelfwise-token/ },
  { name: 'token too long', make: (i, b) => ({ ...goodHeaders(i), token: `${freshToken()}0`, body: b }), status: 400, error: /^x-shelfwise-token/ },
  { name: 'no content type', make: (i, b) => ({ ...goodHeaders(i), type: undefined, body: b }), status: 415, error: /^content-type must be application\/vnd\.shelfwise\.update$/ },
  { name: 'octet-stream', make: (i, b) => ({ ...goodHeaders(i), type: 'application/octet-stream', body: b }), status: 415, error: /^content-type must be/ },
  { name: 'a JSON body sent as JSON', make: (i) => ({ ...goodHeaders(i), type: 'application/json', body: '{"delta":[0.1,0.2]}' }), status: 415, error: /^content-type must be/ },
  { name: 'a JSON body under the update type', make: (i) => ({ ...goodHeaders(i), body: '{"delta":[0.1,0.2]}' }), status: 400, error: /^update: expected \d+ bytes \(\d+ int16 values\), got 19$/ },
  { name: 'an empty body', make: (i) => ({ ...goodHeaders(i), body: new Uint8Array(0) }), status: 400, error: /^update: expected \d+ bytes \(\d+ int16 values\), got 0$/ },
  { name: 'a truncated body (one value short)', make: (i, b) => ({ ...goodHeaders(i), body: b.subarray(0, b.length - 2) }), status: 400, error: /^update: expected (\d+) bytes .*, got \d+$/ },
  { name: 'an odd number of bytes', make: (i, b) => ({ ...goodHeaders(i), body: b.subarray(0, b.length - 1) }), status: 400, error: /^update: expected \d+ bytes/ },
  { name: 'the shape of one weight matrix only', make: (i, b) => ({ ...goodHeaders(i), body: b.subarray(0, 1024 * 32 * 2) }), status: 400, error: /^update: expected \d+ bytes \(\d+ int16 values\), got 65536$/ },
  { name: 'one value more than the round has (over the documented limit)', make: (i, b) => ({ ...goodHeaders(i), body: new Uint8Array(b.length + 2) }), status: 413, error: /^request body over \d+ bytes$/ },
  { name: 'a megabyte', make: (i) => ({ ...goodHeaders(i), body: new Uint8Array(1 << 20) }), status: 413, error: /^request body over \d+ bytes$/ },
  { name: 'a round that is not open', make: (i, b) => ({ ...goodHeaders(i), round: i.round + 1, body: b }), status: 409, error: /^round \d+ is not open \(the open round is \d+\)$/ },
  { name: 'an update computed on another model version', make: (i, b) => ({ ...goodHeaders(i), model: 'demo-000000000000', body: b }), status: 409, error: /^update computed on model demo-000000000000; round \d+ trains demo-/ },
  { name: 'a NaN (code -32768)', make: (i, b) => ({ ...goodHeaders(i), body: codesWith(b, (c) => (c[17] = NOT_A_NUMBER)) }), status: 400, error: /^update: value 17 is not a number$/ },
  { name: 'norm 1.5 × C', make: (i, b) => ({ ...goodHeaders(i), body: codesWith(b, (c) => c.forEach((v, k) => (c[k] = Math.round(v * (1.5 / 0.9))))) }), status: 400, error: /^update: L2 norm 1\.5\d* exceeds the clip norm 1$/ },
  { name: 'a saturated 1000× update (every code at int16 max)', make: (i) => ({ ...goodHeaders(i), body: bytesOf(new Int16Array(i.length).fill(32767)) }), status: 400, error: /^update: L2 norm \d+\.\d+ exceeds the clip norm 1$/ },
  {
    name: 'garbage bytes of the right length',
    make: (i) => {
      const r = seededUniform(9);
      return { ...goodHeaders(i), body: Uint8Array.from({ length: i.length * 2 }, () => Math.floor(r() * 256)) };
    },
    status: 400,
    error: /^update: (value \d+ is not a number|L2 norm [\d.]+ exceeds the clip norm 1)$/,
  },
];

describe('POST /api/fl/update refuses bad uploads', () => {
  const tmp = tempDir();
  let server: FlServer;
  let info: RoundInfo;
  let good: Uint8Array;

  beforeAll(async () => {
    server = await startFlServer({ dbPath: join(tmp.dir, 'fl.db'), cfg: testConfig({ cohort: 50 }) });
    info = await getJson<RoundInfo>(server.url, '/api/fl/round');
    good = bytesOf(validUpdate(info, 1));
  });
  afterAll(async () => {
    await server.close();
    tmp.remove();
  });
  afterEach(() => expect(server.errors).toEqual([]));

  const counts = async () => {
    const [status, round] = await Promise.all([getJson<FlStatus>(server.url, '/api/fl/status'), getJson<RoundInfo>(server.url, '/api/fl/round')]);
    return { accepted: status.updatesAccepted, rejected: status.updatesRejected, received: round.received, round: round.round, model: round.model.version };
  };

  test('the documented limit is 2 bytes per value of the round', () => {
    expect(info.length).toBeGreaterThan(0);
    expect(good.length).toBe(2 * info.length);
  });

  test.each(BAD)('$name → $status', async ({ make, status, error }) => {
    const before = await counts();
    const res = await upload(server.url, make(info, good));
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(error);
    expect(await counts()).toEqual({ ...before, rejected: before.rejected + 1 });
  });

  test('a body streamed without Content-Length that runs past the limit gets a 413, not a reset', async () => {
    const before = await counts();
    const res = await chunkedUpload(server.url, info, 4, good.length);
    expect(res).toEqual({ status: 413, error: `request body over ${2 * info.length} bytes`, connection: 'close' });
    expect(await counts()).toEqual({ ...before, rejected: before.rejected + 1 });
  });

  test('a replayed token is refused, even with a different body', async () => {
    const before = await counts();
    const headers = goodHeaders(info);
    expect((await upload(server.url, { ...headers, body: good })).status).toBe(202);
    const again = await upload(server.url, { ...headers, body: good });
    expect(again).toEqual({ status: 409, body: { error: 'token already used' } });
    const other = await upload(server.url, { ...headers, body: bytesOf(validUpdate(info, 2)) });
    expect(other).toEqual({ status: 409, body: { error: 'token already used' } });
    expect(await counts()).toEqual({ ...before, accepted: before.accepted + 1, received: before.received + 1, rejected: before.rejected + 2 });
  });

  test('the same update under a fresh token, exactly 2 × length bytes, is accepted (the refusals above were for their reasons)', async () => {
    const before = await counts();
    const res = await upload(server.url, { ...goodHeaders(info), type: `${goodHeaders(info).type}; charset=binary`, body: good });
    expect(res).toEqual({ status: 202, body: { accepted: true, round: info.round, received: before.received + 1, cohort: 50 } });
    expect(await counts()).toEqual({ ...before, accepted: before.accepted + 1, received: before.received + 1 });
  });

  test('a malformed model path is a 404, not a 500', async () => {
    for (const path of ['/api/fl/models/%E0%A4%A/model.json', '/api/fl/models/x/weights.bin', '/api/fl/models/a/b/c', `/api/fl/models/${info.model.version}/other`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: 'no such model file' });
    }
  });
});

describe('POST /api/fl/update limits floods from one address', () => {
  const tmp = tempDir();
  let server: FlServer;
  beforeAll(async () => {
    server = await startFlServer({ dbPath: join(tmp.dir, 'fl.db'), cfg: testConfig({ cohort: 50, uploadsPerMinute: 3 }) });
  });
  afterAll(async () => {
    await server.close();
    tmp.remove();
  });

  test('FL_UPLOADS_PER_MINUTE uploads pass, the next ones get a 429 whatever they carry, and none is counted', async () => {
    const info = await getJson<RoundInfo>(server.url, '/api/fl/round');
    const body = bytesOf(validUpdate(info, 3));
    for (let i = 0; i < 3; i++) expect((await upload(server.url, { ...goodHeaders(info), body })).status).toBe(202);
    const tooMany = { status: 429, body: { error: 'too many uploads from this address; try again in a minute' } };
    expect(await upload(server.url, { ...goodHeaders(info), body })).toEqual(tooMany);
    expect(await upload(server.url, { ...goodHeaders(info), type: 'text/plain', body: 'flood' })).toEqual(tooMany);
    expect(await upload(server.url, { ...goodHeaders(info), body: new Uint8Array(1 << 20) })).toEqual(tooMany);
    const status = await getJson<FlStatus>(server.url, '/api/fl/status');
    expect(status).toMatchObject({ updatesAccepted: 3, updatesRejected: 0 });
    expect((await getJson<RoundInfo>(server.url, '/api/fl/round')).received).toBe(3);
    expect(server.errors).toEqual([]);
  });
});

/** Streams `chunks` × `chunkBytes` zero bytes with Transfer-Encoding: chunked. */
function chunkedUpload(url: string, info: RoundInfo, chunks: number, chunkBytes: number): Promise<{ status: number; error: string; connection?: string }> {
  const { hostname, port } = new URL(url);
  const headers = goodHeaders(info);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname, port, path: '/api/fl/update', method: 'POST',
        headers: { 'content-type': headers.type, 'x-shelfwise-round': String(headers.round), 'x-shelfwise-model': headers.model, 'x-shelfwise-token': headers.token, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, error: (JSON.parse(text) as { error: string }).error, connection: res.headers.connection }));
        res.on('error', reject);
      },
    );
    // The server may close the connection once it has answered: that is fine, the answer is what counts.
    req.on('error', (e) => (e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e));
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(new Uint8Array(chunkBytes))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
