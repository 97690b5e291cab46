// Test support: the real server on an ephemeral port, and raw HTTP requests whose paths are sent
// exactly as written (fetch would normalise "/../" away before the server ever saw it).
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createApp, type App, type AppOptions } from './app';
import { listen, type RunningServer } from './listen';

export interface TestServer extends RunningServer {
  app: App;
}

export async function startTestServer(options: AppOptions = {}, setup?: (app: App) => void): Promise<TestServer> {
  const app = createApp({ log: () => {}, ...options });
  setup?.(app);
  const running = await listen(app, 0, '127.0.0.1');
  return { ...running, app };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body as received (still gzip-compressed if the server compressed it). */
  raw: Buffer;
  /** Body decompressed when needed, as text. */
  text: string;
}

export function rawRequest(
  base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
