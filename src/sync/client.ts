// The device side of federated learning's wire: fetch the round and the newest model, upload an
// encoded update (central mode: the update, the round, the model version and a one-time token) or a
// two-aggregator report (the leader's share and the helper's sealed seed; no update in the clear).
import { REPORT_TYPE, type ModelInfo, type ReportReceipt, type RoundInfo, type UpdateHeaders, type UpdateReceipt } from './wire';

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(`${what}: ${res.status}${body?.error ? ` ${body.error}` : ''}`);
  }
  return (await res.json()) as T;
}

const url = (base: string, path: string) => new URL(path, base.endsWith('/') ? base : `${base}/`).href;

export async function getRound(base: string): Promise<RoundInfo> {
  return json(await fetch(url(base, 'round'), { cache: 'no-store', credentials: 'omit' }), 'round');
}

export async function getModelInfo(base: string): Promise<ModelInfo> {
  const info = await json<ModelInfo>(await fetch(url(base, 'model'), { cache: 'no-store', credentials: 'omit' }), 'model');
  return { ...info, url: url(base, info.url) };
}

export async function sendUpdate(base: string, round: RoundInfo, update: Int16Array, token: string): Promise<UpdateReceipt> {
  const headers: UpdateHeaders = {
    'content-type': 'application/vnd.shelfwise.update',
    'x-shelfwise-round': String(round.round),
    'x-shelfwise-model': round.model.version,
    'x-shelfwise-token': token,
  };
  // Little-endian on every platform that runs a browser; the server reads it as such.
  const body = update.slice().buffer;
  const res = await fetch(url(base, 'update'), { method: 'POST', headers: { ...headers }, body, credentials: 'omit', keepalive: false });
  return json(res, 'update');
}

/** What became of a report: the leader kept it (now or before), or refused it for good (a 4xx:
 *  another round, a stale model, a retired key), so it must not be sent again. */
export type ReportAnswer = { kind: 'accepted'; receipt: ReportReceipt } | { kind: 'refused'; status: number; error: string };

/** POSTs an encoded report to the leader. Throws when there is no answer worth keeping (network,
 *  5xx, 429): the device keeps the report and sends the same bytes again later. */
export async function sendReport(base: string, body: Uint8Array): Promise<ReportAnswer> {
  const res = await fetch(url(base, 'report'), { method: 'POST', headers: { 'content-type': REPORT_TYPE }, body: body.slice().buffer, credentials: 'omit' });
  if (res.ok) return { kind: 'accepted', receipt: (await res.json()) as ReportReceipt };
  const error = ((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? '';
  if (res.status >= 500 || res.status === 429 || res.status === 408) throw new Error(`report: ${res.status}${error ? ` ${error}` : ''}`);
  return { kind: 'refused', status: res.status, error };
}
