// A deliberately small router: exact paths and "/prefix/*" patterns, matched per method.
// Enough for the demo store and for the API routes mounted on it (e.g. /api/fl/*).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Parsed request URL (origin is a placeholder; use pathname and searchParams). */
  url: URL;
  /** For "/prefix/*" routes: the raw (still percent-encoded) part of the path after the prefix. */
  rest: string;
}

export type Handler = (ctx: RequestContext) => unknown | Promise<unknown>;

export type Match =
  | { kind: 'found'; handler: Handler; rest: string }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'none' };

interface Entry {
  methods: Map<string, Handler>;
}

export class Router {
  private readonly exact = new Map<string, Entry>();
  private readonly prefixes = new Map<string, Entry>();

  /** `pattern` is an exact path ("/api/catalog") or a prefix ending in "/*" ("/api/fl/*"). */
  route(method: string | string[], pattern: string, handler: Handler): this {
    if (!pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${pattern}`);
    const isPrefix = pattern.endsWith('/*');
    const table = isPrefix ? this.prefixes : this.exact;
    const key = isPrefix ? pattern.slice(0, -1) : pattern;
    const entry = table.get(key) ?? { methods: new Map() };
    for (const m of [method].flat()) entry.methods.set(m.toUpperCase(), handler);
    table.set(key, entry);
    return this;
  }

  /** Exact routes win, then the longest matching prefix. HEAD falls back to GET. */
  match(method: string, path: string): Match {
    const exact = this.exact.get(path);
    if (exact) return pickMethod(exact, method, '');
    const prefix = [...this.prefixes.keys()]
      .filter((p) => path.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return { kind: 'none' };
    return pickMethod(this.prefixes.get(prefix)!, method, path.slice(prefix.length));
  }
}

function pickMethod(entry: Entry, method: string, rest: string): Match {
  const handler = entry.methods.get(method) ?? (method === 'HEAD' ? entry.methods.get('GET') : undefined);
  if (handler) return { kind: 'found', handler, rest };
  const allow = [...entry.methods.keys()];
  if (allow.includes('GET')) allow.push('HEAD');
  return { kind: 'method-not-allowed', allow };
}
