// Static files from a list of roots (the built widget in dist/, then public/). Files are read once
// and re-read only when their size or mtime changes; paths can never leave their root.
import { realpath, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { etagOf, sendBody } from './send';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

interface CachedFile {
  size: number;
  mtimeMs: number;
  body: Buffer;
  etag: string;
}

export type StaticServer = (req: IncomingMessage, res: ServerResponse, urlPath: string) => Promise<boolean>;

/** Returns a function that serves `urlPath` from the first root holding it, or resolves false. */
export function createStaticServer(roots: string[]): StaticServer {
  const cache = new Map<string, CachedFile>();
  const resolvedRoots = roots.map((r) => path.resolve(r));
  return async (req, res, urlPath) => {
    const segments = safeSegments(urlPath);
    if (!segments) return false;
    for (const root of resolvedRoots) {
      const file = await loadFile(cache, root, segments);
      if (!file) continue;
      sendBody(req, res, {
        type: contentTypeOf(segments[segments.length - 1]!),
        body: file.body,
        etag: file.etag,
        headers: { 'Cache-Control': cacheControl(segments), 'X-Content-Type-Options': 'nosniff' },
      });
      return true;
    }
    return false;
  };
}

// Names the build gives files whose content they hash: its chunks (sw-<name>-<hash>.js, 6 hash
// characters for an entry, 8 for the rest) and the model's weights (model/weights-<sha256
// prefix>.bin). Such a file never changes under its name.
const HASHED = [/^sw-[\w-]+-[\w-]{6,8}\.js$/, /^weights-[0-9a-f]{16,64}\.bin$/];

/** Hashed names are cached for good; anything else (the loader, model.json, the storefront's
 *  files) is rebuilt in place, so it is always revalidated (cheap with its ETag). */
function cacheControl(segments: string[]): string {
  const name = segments[segments.length - 1]!;
  return HASHED.some((re) => re.test(name)) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Decoded path segments, or null for anything that could escape the root or name a hidden file. */
function safeSegments(urlPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s.startsWith('.'))) return null;
  return segments;
}

async function loadFile(cache: Map<string, CachedFile>, root: string, segments: string[]): Promise<CachedFile | null> {
  const full = path.join(root, ...segments);
  if (!full.startsWith(root + path.sep)) return null;
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) return null;
  const cached = cache.get(full);
  if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached;
  // Symlinks inside a root must not lead outside it either.
  const [realRoot, realFull] = await Promise.all([realpath(root), realpath(full)]);
  if (!realFull.startsWith(realRoot + path.sep)) return null;
  const body = await readFile(full);
  const file = { size: info.size, mtimeMs: info.mtimeMs, body, etag: etagOf(body) };
  cache.set(full, file);
  return file;
}
