// The demo server as a request handler: router (storefront, APIs, anything mounted on it),
// then static files from dist/ and public/, then 404. A failing handler answers 500, never crashes.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCatalog, type Catalog } from './catalog';
import { Router, type Handler } from './router';
import { HttpError, sendBody, sendJson } from './send';
import { createStaticServer } from './static';
import { mountStorefront } from './storefront';

export interface AppOptions {
  /** Repository root; the defaults below hang off it. Default: the folder above server/. */
  rootDir?: string;
  /** Built widget (shelfwise.js, chunks, model files). Default: <root>/dist. May not exist yet. */
  distDir?: string;
  /** Storefront static assets. Default: <root>/public. */
  publicDir?: string;
  /** Page template. Default: <root>/index.html. */
  templatePath?: string;
  catalog?: Catalog;
  /** Where errors are logged. Default: console.error. */
  log?: (message: string, error?: unknown) => void;
}

export interface App {
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Adds a route: exact path or "/prefix/*"; method "GET", "POST", … or a list. */
  route(method: string | string[], pattern: string, handler: Handler): App;
  catalog: Catalog;
  options: Required<Omit<AppOptions, 'catalog'>>;
}

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function createApp(options: AppOptions = {}): App {
  const rootDir = options.rootDir ?? DEFAULT_ROOT;
  const resolved = {
    rootDir,
    distDir: options.distDir ?? path.join(rootDir, 'dist'),
    publicDir: options.publicDir ?? path.join(rootDir, 'public'),
    templatePath: options.templatePath ?? path.join(rootDir, 'index.html'),
    log: options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? '')),
  };
  const catalog = options.catalog ?? getCatalog();
  const router = new Router();
  const storefront = mountStorefront(router, catalog, readFileSync(resolved.templatePath, 'utf8'));
  const serveStatic = createStaticServer([resolved.distDir, resolved.publicDir]);

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseRequestUrl(req.url);
    const method = req.method ?? 'GET';
    const match = router.match(method, url.pathname);
    if (match.kind === 'found') {
      await match.handler({ req, res, url, rest: match.rest });
    } else if (match.kind === 'method-not-allowed') {
      sendJson(req, res, 405, { error: `method ${method} not allowed here` }, { Allow: match.allow.join(', ') });
    } else if (!(method === 'GET' || method === 'HEAD') || !(await serveStatic(req, res, url.pathname))) {
      notFound(req, res, url);
    }
  }

  function notFound(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (url.pathname.startsWith('/api/')) sendJson(req, res, 404, { error: `no such endpoint: ${url.pathname}` });
    else if (path.posix.extname(url.pathname)) sendBody(req, res, { status: 404, type: 'text/plain; charset=utf-8', body: 'not found' });
    else storefront.notFound(req, res, url);
  }

  const app: App = {
    catalog,
    options: resolved,
    async handler(req, res) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      try {
        await dispatch(req, res);
      } catch (error) {
        answerError(req, res, error, resolved.log);
      }
    },
    route(method, pattern, handler) {
      router.route(method, pattern, handler);
      return app;
    },
  };
  return app;
}

// Parsed against a fixed origin; "//host/x" stays a path instead of becoming a host.
function parseRequestUrl(raw: string | undefined): URL {
  if (!raw?.startsWith('/')) throw new HttpError(400, 'request target must be an absolute path');
  return new URL(`http://localhost${raw}`);
}

/** A handler's failure as JSON: an HttpError's status and message, or a logged 500. */
export function answerError(req: IncomingMessage, res: ServerResponse, error: unknown, log: (m: string, e?: unknown) => void): void {
  const expected = error instanceof HttpError;
  if (!expected) log(`[shelfwise] ${req.method} ${req.url} failed:`, error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = expected ? error.status : 500;
  sendJson(req, res, status, expected ? { ...error.details, error: error.message } : { error: 'internal server error' });
}
