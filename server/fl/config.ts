// Federated-learning server configuration, from environment variables (documented in the README).
// Values that would quietly void the privacy guarantee are refused at start-up, not tolerated.

export interface FlConfig {
  /** K: updates a round needs before anything is aggregated. */
  cohort: number;
  /** C: L2 bound of one device's update. */
  clipNorm: number;
  /** z: Gaussian noise on the sum of updates has standard deviation z·C. */
  noiseMultiplier: number;
  epsilonBudget: number;
  delta: number;
  /** Eligible devices: the accountant samples K of them per round (q = K / population). Use a
   *  number no larger than the real population, or ε is under-estimated. */
  population: number;
  /** A round not filled by then is abandoned (nothing aggregated, no privacy spent). */
  roundSeconds: number;
  /** Applied to the noisy mean update. */
  serverLearningRate: number;
  /** Uploads accepted per client address per minute. */
  uploadsPerMinute: number;
  /** What a round trains: 'dense' (every weight but the hashed catalog tables), 'all', or a list of names. */
  weights: 'dense' | 'all' | string[];
}

/** A cohort of one would publish a single device's (noised) update: never allowed. */
export const MIN_COHORT = 2;

export const FL_DEFAULTS: FlConfig = {
  cohort: 50,
  clipNorm: 1,
  noiseMultiplier: 1,
  epsilonBudget: 8,
  delta: 1e-5,
  population: 10_000,
  roundSeconds: 24 * 3600,
  serverLearningRate: 1,
  uploadsPerMinute: 6,
  weights: 'dense',
};

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, fallback: number, ok: (n: number) => boolean, rule: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !ok(n)) throw new Error(`${name}=${raw}: must be ${rule}`);
  return n;
}

export function flConfigFromEnv(env: Env = process.env): FlConfig {
  const d = FL_DEFAULTS;
  const cfg: FlConfig = {
    cohort: num(env, 'FL_COHORT', d.cohort, (n) => Number.isInteger(n), 'an integer'),
    clipNorm: num(env, 'FL_CLIP_NORM', d.clipNorm, (n) => n > 0, '> 0'),
    noiseMultiplier: num(env, 'FL_NOISE_MULTIPLIER', d.noiseMultiplier, (n) => n > 0, '> 0 (no noise, no privacy)'),
    epsilonBudget: num(env, 'FL_EPSILON', d.epsilonBudget, (n) => n > 0, '> 0'),
    delta: num(env, 'FL_DELTA', d.delta, (n) => n > 0 && n < 1, 'in (0, 1)'),
    population: num(env, 'FL_POPULATION', d.population, (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    roundSeconds: num(env, 'FL_ROUND_SECONDS', d.roundSeconds, (n) => n > 0, '> 0'),
    serverLearningRate: num(env, 'FL_SERVER_LR', d.serverLearningRate, (n) => n > 0, '> 0'),
    uploadsPerMinute: num(env, 'FL_UPLOADS_PER_MINUTE', d.uploadsPerMinute, (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    weights: weightsSetting(env.FL_WEIGHTS),
  };
  return checkFlConfig(cfg);
}

export function checkFlConfig(cfg: FlConfig): FlConfig {
  if (!Number.isInteger(cfg.cohort) || cfg.cohort < MIN_COHORT) throw new Error(`FL_COHORT=${cfg.cohort}: must be at least ${MIN_COHORT}`);
  if (!(cfg.noiseMultiplier > 0)) throw new Error('FL_NOISE_MULTIPLIER must be > 0 (no noise, no privacy)');
  if (!(cfg.clipNorm > 0 && Number.isFinite(cfg.clipNorm))) throw new Error('FL_CLIP_NORM must be a finite number > 0');
  if (cfg.cohort > cfg.population) throw new Error(`FL_COHORT (${cfg.cohort}) cannot exceed FL_POPULATION (${cfg.population})`);
  return cfg;
}

function weightsSetting(raw: string | undefined): FlConfig['weights'] {
  const v = (raw ?? '').trim();
  if (v === '' || v === 'dense') return 'dense';
  if (v === 'all') return 'all';
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
