// The helper's whole HTTP surface: its endpoints under /api/fl/helper and JSON errors, nothing else
// (no storefront, no static files: the helper is another party's server, which shoppers never visit).
import type { App } from '../app';
import { answerError } from '../app';
import { Router } from '../router';
import { HttpError, sendJson } from '../send';
import type { HelperService } from './helper';
import { mountHelper } from './routes';

export function createHelperApp(helper: HelperService, opts: { token: string | undefined; log?: (message: string, error?: unknown) => void }): Pick<App, 'handler'> {
  const router = new Router();
  mountHelper(router, helper, opts);
  const log = opts.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  return {
    async handler(req, res) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      try {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        const match = router.match(req.method ?? 'GET', path);
        if (match.kind === 'none') throw new HttpError(404, `no such endpoint: ${path}`);
        if (match.kind === 'method-not-allowed') return sendJson(req, res, 405, { error: `method ${req.method} not allowed here` }, { Allow: match.allow.join(', ') });
        await match.handler({ req, res, url: new URL(req.url ?? '/', 'http://localhost'), rest: match.rest });
      } catch (error) {
        answerError(req, res, error, log);
      }
    },
  };
}
