import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, readBody, sendJson } from './send';
import { rawRequest, startTestServer, type TestServer } from './test-helpers';

describe('app router and error handling', () => {
  const logged: unknown[] = [];
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ log: (_m, e) => logged.push(e) }, (app) => {
      app
        .route('GET', '/api/fl/boom', () => {
          throw new Error('kaboom');
        })
        .route('GET', '/api/fl/async-boom', async () => {
          await new Promise((r) => setTimeout(r, 1));
          throw new Error('async kaboom');
        })
        .route('GET', '/api/fl/teapot', () => {
          throw new HttpError(418, 'short and stout');
        })
        .route(['POST', 'PUT'], '/api/fl/echo', async ({ req, res }) => {
          sendJson(req, res, 200, { got: (await readBody(req, 100)).toString('utf8') });
        })
        .route('GET', '/api/fl/*', ({ req, res, rest, url }) => {
          sendJson(req, res, 200, { rest, q: url.searchParams.get('q') });
        });
    });
  });
  afterAll(() => server.close());

  it('routes exact paths before prefixes and passes the rest of the path', async () => {
    const res = await rawRequest(server.url, '/api/fl/round/7?q=x');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ rest: 'round/7', q: 'x' });
  });

  it('answers HEAD through GET routes without a body', async () => {
    const res = await rawRequest(server.url, '/api/fl/x', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.raw.length).toBe(0);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await rawRequest(server.url, '/api/candidates?slot=a', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('turns thrown errors into 500 JSON, logs them, and keeps serving', async () => {
    for (const p of ['/api/fl/boom', '/api/fl/async-boom']) {
      const res = await rawRequest(server.url, p);
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text)).toEqual({ error: 'internal server error' });
    }
    expect(logged.map((e) => (e as Error).message)).toEqual(['kaboom', 'async kaboom']);
    expect((await rawRequest(server.url, '/')).status).toBe(200);
  });

  it('turns HttpError into its status with the message', async () => {
    const res = await rawRequest(server.url, '/api/fl/teapot');
    expect(res.status).toBe(418);
    expect(JSON.parse(res.text)).toEqual({ error: 'short and stout' });
  });

  it('reads request bodies and refuses oversized ones', async () => {
    const post = (body: string) =>
      rawRequest(server.url, '/api/fl/echo', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse((await post('{"a":1}')).text)).toEqual({ got: '{"a":1}' });
    expect((await post(JSON.stringify({ big: 'x'.repeat(500) }))).status).toBe(413);
  });

  it('does not treat a "//host" request target as another host', async () => {
    const res = await rawRequest(server.url, '//evil.example/api/fl/x');
    expect(res.status).toBe(404);
  });

  it('returns 404 for POST to an unknown path', async () => {
    expect((await rawRequest(server.url, '/nothing', { method: 'POST' })).status).toBe(404);
  });
});
