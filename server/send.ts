// Response writing shared by every route: gzip when the client takes it, ETag/304 for stable
// bodies, and JSON helpers. Compressed bytes of stable bodies are cached by their ETag.
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface BodyOptions {
  status?: number;
  type: string;
  body: Buffer | string;
  headers?: OutgoingHttpHeaders;
  /** Set for bodies that are the same on every request: enables ETag/304 and caches the gzip. */
  etag?: string;
}

const MIN_GZIP_BYTES = 512;
const GZIP_CACHE_LIMIT = 1000;
const gzipCache = new Map<string, Buffer | null>();

export function etagOf(bytes: Buffer | string): string {
  return `"${createHash('sha1').update(bytes).digest('base64url')}"`;
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((token) => {
    const [name, ...params] = token.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export function sendBody(req: IncomingMessage, res: ServerResponse, opts: BodyOptions): void {
  const headers: OutgoingHttpHeaders = { 'Content-Type': opts.type, Vary: 'Accept-Encoding', ...opts.headers };
  if (opts.etag) {
    headers.ETag = opts.etag;
    if (matchesEtag(req, opts.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  const raw = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const gz = acceptsGzip(req) ? compressed(raw, opts.etag) : null;
  if (gz) headers['Content-Encoding'] = 'gzip';
  const body = gz ?? raw;
  headers['Content-Length'] = body.length;
  res.writeHead(opts.status ?? 200, headers);
  res.end(body);
}

function matchesEtag(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

// null = not worth compressing (tiny, or gzip would not save at least a tenth).
function compressed(raw: Buffer, cacheKey: string | undefined): Buffer | null {
  if (cacheKey && gzipCache.has(cacheKey)) return gzipCache.get(cacheKey)!;
  const gz = raw.length >= MIN_GZIP_BYTES ? gzipSync(raw) : null;
  const result = gz && gz.length < raw.length * 0.9 ? gz : null;
  if (cacheKey) {
    if (gzipCache.size >= GZIP_CACHE_LIMIT) gzipCache.delete(gzipCache.keys().next().value!);
    gzipCache.set(cacheKey, result);
  }
  return result;
}

export function sendJson(
  req: IncomingMessage, res: ServerResponse, status: number, value: unknown, headers?: OutgoingHttpHeaders,
): void {
  sendBody(req, res, {
    status,
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(value),
    headers: { 'Cache-Control': 'no-store', ...headers },
  });
}

/** A 4xx the caller caused: thrown by handlers and answered as `{ error }` JSON by the app. */
export class HttpError extends Error {
  /** `details`: more fields for the JSON answer beside `error` (which reports of a batch were refused, say). */
  constructor(readonly status: number, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Reads a request body, refusing one over `limit` bytes (413) before reading more than that. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
