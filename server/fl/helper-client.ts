// The leader's side of the helper's endpoints (helper-wire.ts), over HTTP with a timeout. A
// HelperUnreachable is "try again later" (no answer, or a 5xx); a HelperRefused is the helper's
// considered 4xx answer, with its JSON.
import type { AggregateAnswer, AggregateRequest, HelperConfigs, SeedBatch, SeedBatchAnswer } from './helper-wire';
import { HELPER_BASE } from './helper-wire';

export class HelperUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelperUnreachable';
  }
}

export class HelperRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; refused?: { reportId: string; code: string; error: string }[] },
  ) {
    super(`helper answered ${status}: ${body.error ?? 'no reason given'}`);
    this.name = 'HelperRefused';
  }
}

export interface HelperClient {
  readonly url: string;
  config(): Promise<HelperConfigs>;
  storeSeeds(batch: SeedBatch): Promise<SeedBatchAnswer>;
  aggregate(request: AggregateRequest): Promise<AggregateAnswer>;
}

const TIMEOUT_MS = 30_000;

export function helperClient(url: string, token?: string): HelperClient {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(`${url}${HELPER_BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new HelperUnreachable(`${method} ${path}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // A proxy's HTML error page, say: no JSON to read.
    }
    if (res.status >= 500 || (res.ok && json === null)) throw new HelperUnreachable(`${method} ${path}: ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`);
    if (!res.ok) throw new HelperRefused(res.status, (json ?? {}) as HelperRefused['body']);
    return json as T;
  }
  return {
    url,
    config: () => call('GET', '/config'),
    storeSeeds: (batch) => call('POST', '/seeds', batch),
    aggregate: (request) => call('POST', '/aggregate', request),
  };
}
