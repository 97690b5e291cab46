// The federated-learning endpoints under /api/fl (the widget's data-sync base).
import type { App } from '../app';
import { HttpError, readBody, sendBody, sendJson } from '../send';
import { rateLimiter } from './rate-limit';
import type { FlService } from './service';
import { UPDATE_TYPE } from '../../src/sync/wire';

const FL_BASE = '/api/fl';

export function mountFl(app: App, fl: FlService, opts: { uploadsPerMinute: number }): void {
  const allow = rateLimiter(opts.uploadsPerMinute);
  app
    .route('GET', `${FL_BASE}/round`, async ({ req, res }) => sendJson(req, res, 200, await fl.round()))
    .route('GET', `${FL_BASE}/model`, async ({ req, res }) => sendJson(req, res, 200, await fl.model()))
    .route('GET', `${FL_BASE}/status`, async ({ req, res }) => sendJson(req, res, 200, await fl.status()))
    .route('GET', `${FL_BASE}/models/*`, async ({ req, res, rest }) => {
      const parts = rest.split('/');
      const [version, file] = parts.map(decodePart);
      const found = parts.length === 2 && version && file ? await fl.modelFile(version, file) : null;
      if (!found) throw new HttpError(404, 'no such model file');
      // A published version never changes: cache it for good.
      sendBody(req, res, { status: 200, type: found.type, body: Buffer.from(found.body), headers: { 'Cache-Control': 'public, max-age=31536000, immutable' } });
    })
    .route('POST', `${FL_BASE}/update`, async ({ req, res }) => {
      try {
        // First, so that every request from a flooding address counts, whatever else is wrong with it.
        if (!allow(req.socket.remoteAddress ?? 'unknown')) throw new HttpError(429, 'too many uploads from this address; try again in a minute');
        const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (type !== UPDATE_TYPE) throw new HttpError(415, `content-type must be ${UPDATE_TYPE}`);
        const body = await readBody(req, await fl.maxUploadBytes());
        const receipt = await fl.submit({
          round: header(req.headers['x-shelfwise-round']),
          model: header(req.headers['x-shelfwise-model']),
          token: header(req.headers['x-shelfwise-token']),
          body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        });
        sendJson(req, res, 202, receipt);
      } catch (err) {
        // The unread rest of an oversize body is not worth receiving: hang up once answered.
        if (err instanceof HttpError && err.status === 413) res.setHeader('Connection', 'close');
        // A flood is refused without touching the database (each count is a synced write).
        if (!(err instanceof HttpError && err.status === 429)) await fl.reject().catch(() => {});
        // The app answers HttpErrors as 4xx JSON; anything else is our bug, not the client's.
        throw err;
      }
    });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? undefined : v;
}

// A malformed escape ("%E0%A4%A") names no model: a 404 like any other unknown path, not a 500.
function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
