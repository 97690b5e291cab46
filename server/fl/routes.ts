// The federated-learning endpoints under /api/fl (the widget's data-sync base): the round, the
// model and the status for every mode, then the upload of the mode — `/update` (central) or
// `/report` (the leader of two-aggregator mode) — and, on the helper, its own endpoints.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app';
import type { Router } from '../router';
import { HttpError, readBody, sendBody, sendJson } from '../send';
import { rateLimiter } from './rate-limit';
import type { FlService } from './service';
import type { LeaderService } from './leader';
import type { HelperService } from './helper';
import { HELPER_BASE } from './helper-wire';
import { REPORT_TYPE, UPDATE_TYPE } from '../../src/sync/wire';

const FL_BASE = '/api/fl';

type Reads = Pick<FlService, 'round' | 'model' | 'modelFile' | 'status' | 'ready'>;
type Uploads = Pick<FlService, 'maxUploadBytes' | 'reject'>;

export function mountFl(app: App, fl: FlService, opts: { uploadsPerMinute: number }): void {
  mountReads(app, fl);
  mountUpload(app, '/update', UPDATE_TYPE, fl, opts, async (req, body) => {
    const receipt = await fl.submit({
      round: header(req.headers['x-shelfwise-round']),
      model: header(req.headers['x-shelfwise-model']),
      token: header(req.headers['x-shelfwise-token']),
      body,
    });
    return { status: 202, value: receipt };
  });
}

/** The leader: everything a device needs, and its one upload, the report. */
export function mountLeader(app: App, fl: LeaderService, opts: { uploadsPerMinute: number }): void {
  mountReads(app, fl);
  mountUpload(app, '/report', REPORT_TYPE, fl, opts, async (_req, body) => {
    const { status, receipt } = await fl.submitReport(body);
    return { status, value: receipt };
  });
}

// Liveness (the process answers) and readiness (its database answers too): what a load balancer
// or an orchestrator polls before sending an instance traffic.
const probes = (ready: () => Promise<void>) => ({
  health: async ({ req, res }: { req: IncomingMessage; res: ServerResponse }) => sendJson(req, res, 200, { ok: true }),
  ready: async ({ req, res }: { req: IncomingMessage; res: ServerResponse }) => {
    try {
      await ready();
    } catch {
      throw new HttpError(503, 'the database is not reachable');
    }
    sendJson(req, res, 200, { ok: true });
  },
});

function mountReads(app: App, fl: Reads): void {
  const probe = probes(() => fl.ready());
  app
    .route('GET', `${FL_BASE}/health`, probe.health)
    .route('GET', `${FL_BASE}/ready`, probe.ready)
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
    });
}

type Accept = (req: IncomingMessage, body: Uint8Array) => Promise<{ status: number; value: unknown }>;

function mountUpload(app: App, path: string, type: string, fl: Uploads, opts: { uploadsPerMinute: number }, accept: Accept): void {
  const allow = rateLimiter(opts.uploadsPerMinute);
  app.route('POST', `${FL_BASE}${path}`, async ({ req, res }) => {
    try {
      // First, so that every request from a flooding address counts, whatever else is wrong with it.
      if (!allow(req.socket.remoteAddress ?? 'unknown')) throw new HttpError(429, 'too many uploads from this address; try again in a minute');
      const got = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (got !== type) throw new HttpError(415, `content-type must be ${type}`);
      const body = await readBody(req, await fl.maxUploadBytes());
      const { status, value } = await accept(req, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
      sendJson(req, res, status, value);
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

/** The helper's endpoints; with a token set, only a caller presenting it (the leader) may post. */
export function mountHelper(router: Pick<Router, 'route'>, helper: HelperService, opts: { token: string | undefined }): void {
  const authorized = (req: IncomingMessage) => {
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) throw new HttpError(401, 'the helper takes reports from its leader only (bearer token)');
  };
  const json = async (req: IncomingMessage, limit: number): Promise<unknown> => {
    authorized(req);
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'content-type must be application/json');
    try {
      return JSON.parse((await readBody(req, limit)).toString('utf8'));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'the body is not JSON');
    }
  };
  const probe = probes(() => helper.ready());
  router
    .route('GET', `${HELPER_BASE}/health`, probe.health)
    .route('GET', `${HELPER_BASE}/ready`, probe.ready)
    .route('GET', `${HELPER_BASE}/config`, async ({ req, res }) => sendJson(req, res, 200, await helper.config()))
    .route('GET', `${HELPER_BASE}/status`, async ({ req, res }) => sendJson(req, res, 200, await helper.status()))
    .route('POST', `${HELPER_BASE}/seeds`, async ({ req, res }) => sendJson(req, res, 200, await helper.storeSeeds(await json(req, 1 << 20))))
    .route('POST', `${HELPER_BASE}/aggregate`, async ({ req, res }) => sendJson(req, res, 200, await helper.aggregate(await json(req, 4 << 20))));
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
