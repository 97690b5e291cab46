// Which aggregation server this process is, from environment variables (README "Federated
// learning"): the central server of today, or one of the two aggregators of two-aggregator mode —
// the leader, which devices talk to, or the helper, which only the leader talks to. Both
// aggregators run this same code, each with its own database, keys and port.

export interface LeaderSettings {
  kind: 'leader';
  /** The helper's base URL (its endpoints are under /api/fl/helper). */
  helperUrl: string;
  /** Sent as a bearer token to the helper, which requires it when it has one set. */
  helperToken: string | undefined;
  /** Sealed seeds per request to the helper. */
  forwardBatch: number;
  /** How often the leader retries the helper while a round waits on it. */
  retrySeconds: number;
}

export interface HelperSettings {
  kind: 'helper';
  helperToken: string | undefined;
  /** A key is replaced by a new one after this long … */
  keySeconds: number;
  /** … and the old one is still accepted this long after, then destroyed: its key id is refused. */
  keyGraceSeconds: number;
}

type Role = { kind: 'central' } | LeaderSettings | HelperSettings;

type Env = Record<string, string | undefined>;

const DAY = 24 * 3600;

function positive(env: Env, name: string, fallback: number, integer = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n)))) throw new Error(`${name}=${raw}: must be ${integer ? 'a positive integer' : '> 0'}`);
  return n;
}

export function roleFromEnv(env: Env = process.env): Role {
  const aggregation = (env.FL_AGGREGATION ?? '').trim() || 'two-aggregator';
  if (aggregation !== 'central' && aggregation !== 'two-aggregator') throw new Error(`FL_AGGREGATION=${env.FL_AGGREGATION}: must be central or two-aggregator`);
  const role = (env.FL_ROLE ?? '').trim() || 'leader';
  if (role !== 'leader' && role !== 'helper') throw new Error(`FL_ROLE=${env.FL_ROLE}: must be leader or helper`);
  if (aggregation === 'central') {
    if (role === 'helper') throw new Error('FL_ROLE=helper needs FL_AGGREGATION=two-aggregator');
    return { kind: 'central' };
  }
  const helperToken = env.FL_HELPER_TOKEN || undefined;
  if (role === 'helper') {
    const roundSeconds = positive(env, 'FL_ROUND_SECONDS', DAY);
    return {
      kind: 'helper',
      helperToken,
      keySeconds: positive(env, 'FL_KEY_SECONDS', 30 * DAY),
      // A report sealed just before a rotation must still open when its round is aggregated.
      keyGraceSeconds: positive(env, 'FL_KEY_GRACE_SECONDS', 2 * roundSeconds),
    };
  }
  const helperUrl = (env.FL_HELPER_URL ?? '').trim();
  if (!/^https?:\/\/[^/]+/.test(helperUrl)) throw new Error(`FL_HELPER_URL=${env.FL_HELPER_URL ?? ''}: the leader needs the helper's http(s) base URL`);
  return {
    kind: 'leader',
    helperUrl: helperUrl.replace(/\/+$/, ''),
    helperToken,
    forwardBatch: positive(env, 'FL_FORWARD_BATCH', 100, true),
    retrySeconds: positive(env, 'FL_HELPER_RETRY_SECONDS', 5),
  };
}
