import { mkdtempSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, type TestServer } from './test-helpers';

describe('static files and images', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'shelfwise-static-'));
  const dist = path.join(base, 'dist');
  const widget = `/* widget */\n${'console.log("shelfwise");\n'.repeat(200)}`;
  let server: TestServer;
  const get = (p: string, headers: Record<string, string> = {}) => rawRequest(server.url, p, { headers });

  beforeAll(async () => {
    mkdirSync(path.join(dist, 'model'), { recursive: true });
    writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
    writeFileSync(path.join(dist, 'shelfwise.js'), widget);
    writeFileSync(path.join(dist, 'chunk-abc.mjs'), 'export const x = 1;');
    writeFileSync(path.join(dist, 'model', 'model.json'), JSON.stringify({ weights: Array(200).fill('w') }));
    writeFileSync(path.join(dist, 'model', 'weights.bin'), Buffer.alloc(4096, 7));
    writeFileSync(path.join(dist, 'sw-page-Ab3_x-9Z.js'), 'export const y = 2;');
    writeFileSync(path.join(dist, 'sw-store-Ab3_x-.js'), 'export * from "./sw-page-Ab3_x-9Z.js";');
    writeFileSync(path.join(dist, 'model', 'weights-0123456789abcdef.bin'), Buffer.alloc(64, 1));
    writeFileSync(path.join(dist, 'tfjs.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    writeFileSync(path.join(dist, '.env'), 'HIDDEN');
    writeFileSync(path.join(dist, 'storefront.css'), '/* dist wins */');
    symlinkSync(path.join(base, 'secret.txt'), path.join(dist, 'link.txt'));
    server = await startTestServer({ distDir: dist });
  });
  afterAll(async () => {
    await server.close();
    rmSync(base, { recursive: true, force: true });
  });

  it.each([
    ['/shelfwise.js', 'text/javascript; charset=utf-8'],
    ['/chunk-abc.mjs', 'text/javascript; charset=utf-8'],
    ['/model/model.json', 'application/json; charset=utf-8'],
    ['/model/weights.bin', 'application/octet-stream'],
    ['/tfjs.wasm', 'application/wasm'],
    ['/favicon.svg', 'image/svg+xml'],
  ])('serves %s as %s', async (p, type) => {
    const res = await get(p);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('caches files named by their content hash for good, and revalidates everything else', async () => {
    for (const p of ['/sw-page-Ab3_x-9Z.js', '/sw-store-Ab3_x-.js', '/model/weights-0123456789abcdef.bin']) {
      expect((await get(p)).headers['cache-control'], p).toBe('public, max-age=31536000, immutable');
    }
    for (const p of ['/shelfwise.js', '/chunk-abc.mjs', '/model/model.json', '/model/weights.bin', '/favicon.svg']) {
      expect((await get(p)).headers['cache-control'], p).toBe('no-cache');
    }
  });

  it('serves dist/ before public/, and public/ when dist/ lacks the file', async () => {
    expect((await get('/storefront.css')).text).toBe('/* dist wins */');
    const server2 = await startTestServer({ distDir: path.join(base, 'missing-dist') });
    try {
      const css = await rawRequest(server2.url, '/storefront.css');
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(css.text).toContain('.product-grid');
      expect((await rawRequest(server2.url, '/shelfwise.js')).status).toBe(404);
      expect((await rawRequest(server2.url, '/')).status).toBe(200);
    } finally {
      await server2.close();
    }
  });

  it('gzips when the client accepts it, and only then', async () => {
    const zipped = await get('/shelfwise.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.raw.length).toBeLessThan(widget.length / 5);
    expect(gunzipSync(zipped.raw).toString()).toBe(widget);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.raw.length);

    const plain = await get('/shelfwise.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.raw.toString()).toBe(widget);
    const refused = await get('/shelfwise.js', { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 for a matching ETag and notices changed files', async () => {
    const first = await get('/model/model.json');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    expect((await get('/model/model.json', { 'if-none-match': etag })).status).toBe(304);
    const file = path.join(dist, 'model', 'model.json');
    writeFileSync(file, '{"changed":true}');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = await get('/model/model.json', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.text).toBe('{"changed":true}');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/model/..%2f..%2fsecret.txt',
    '/model/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%5csecret.txt',
    '//secret.txt',
    '/link.txt',
    '/.env',
    '/model/%00weights.bin',
    '/%E0%A4%A',
  ])('never serves outside dist/ or hidden files: %s', async (p) => {
    const res = await get(p);
    expect([400, 404]).toContain(res.status);
    expect(res.text).not.toContain('TOP SECRET');
    expect(res.text).not.toContain('HIDDEN');
  });

  it('answers 404 for unknown files and directories', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/model')).status).toBe(404);
    expect((await get('/model/')).status).toBe(404);
    expect((await get('/api/nope')).status).toBe(404);
    expect(JSON.parse((await get('/api/nope')).text)).toEqual({ error: 'no such endpoint: /api/nope' });
  });

  it('generates cached PNG product images and department tiles', async () => {
    const res = await get('/img/SKU-1001.png');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    const picture = PNG.sync.read(res.raw);
    expect([picture.width, picture.height]).toEqual([400, 400]);
    const pixel = (png: PNG, x: number, y: number) => '#' + [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)].map((c) => c.toString(16).padStart(2, '0')).join('');
    expect(pixel(picture, 200, 185)).toBe('#3b6ea8'); // Apparel's colour, in the middle of its shape
    expect(pixel(picture, 2, 2)).toBe('#e4ebf3'); // the same, mixed with white, around it
    expect((await get('/img/SKU-1001.png', { 'if-none-match': res.headers.etag as string })).status).toBe(304);
    const tile = await get('/img/cat-shoes.png');
    expect(tile.status).toBe(200);
    const decoded = PNG.sync.read(tile.raw);
    expect([decoded.width, decoded.height]).toEqual([320, 200]);
    for (const bad of ['/img/SKU-0000.png', '/img/cat-running-shoes.png', '/img/SKU-1001.svg', '/img/../catalog.ts']) {
      expect((await get(bad)).status).toBe(404);
    }
  });
});
