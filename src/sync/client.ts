// The device side of federated learning's wire: fetch the round and the newest model, upload an
// encoded update. Only the update, the round, the model version and a one-time token are sent.
import type { ModelInfo, RoundInfo, UpdateHeaders, UpdateReceipt } from './wire';

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
