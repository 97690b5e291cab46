// A recording proxy between the leader and the helper, for e2e/federated.spec.ts: it forwards
// every request to the helper unchanged and appends the request and the answer, every byte, to a
// JSON-lines file, so the test can check everything the helper received. Started by
// playwright.config.ts: PROXY_PORT, TARGET (the helper's base URL), OUT (the file).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';

export interface Exchange {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** base64 */
  body: string;
  status: number;
  /** base64 */
  response: string;
}

const port = Number(process.env.PROXY_PORT);
const target = process.env.TARGET ?? '';
const out = process.env.OUT ?? '';
if (!port || !target || !out) throw new Error('recording proxy: PROXY_PORT, TARGET and OUT are required');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, '');

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection')) as Record<string, string>;
    try {
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
      const response = Buffer.from(await answer.arrayBuffer());
      const exchange: Exchange = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('base64'), status: answer.status, response: response.toString('base64') };
      appendFileSync(out, JSON.stringify(exchange) + '\n');
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' }).end(response);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `proxy: ${err instanceof Error ? err.message : err}` }));
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`recording proxy on http://127.0.0.1:${port} -> ${target}`));
