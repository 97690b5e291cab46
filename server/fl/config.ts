// Federated-learning server configuration, from environment variables (documented in the README).
// Values that would quietly void the privacy guarantee are refused at start-up, not tolerated.

import { MIN_COHORT } from '../../src/privacy/aggregate';
import { isServerOptimizer, SERVER_OPTIMIZER_DEFAULTS, type ServerOptimizer } from '../../src/privacy/server-optimizer';

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
  /** Training stops after this many aggregated rounds (or earlier, at the ε budget); the server
   *  learning rate decays over them. Infinity: as many as the budget allows. */
  rounds: number;
  /** A round not filled by then is abandoned (nothing aggregated, no privacy spent). */
  roundSeconds: number;
  /** How the noisy mean update moves the global weights: 'adam' (FedAdam, the default) or 'sgd' (FedAvg). */
  serverOptimizer: ServerOptimizer;
  /** Applied to the noisy mean update (sgd) or to Adam's normalised step. */
  serverLearningRate: number;
  /** Uploads accepted per client address per minute. */
  uploadsPerMinute: number;
  /** What a round trains: 'dense' (every weight but the hashed catalog tables) or 'all'. */
  weights: 'dense' | 'all';
}

export const FL_DEFAULTS: FlConfig = {
  cohort: 50,
  clipNorm: 0.3,
  noiseMultiplier: 1,
  epsilonBudget: 8,
  delta: 1e-5,
  population: 10_000,
  rounds: Infinity,
  roundSeconds: 24 * 3600,
  serverOptimizer: SERVER_OPTIMIZER_DEFAULTS.kind,
  serverLearningRate: SERVER_OPTIMIZER_DEFAULTS.learningRate,
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
    rounds: num(env, 'FL_ROUNDS', d.rounds, (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    roundSeconds: num(env, 'FL_ROUND_SECONDS', d.roundSeconds, (n) => n > 0, '> 0'),
    serverOptimizer: optimizerSetting(env.FL_SERVER_OPTIMIZER),
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

function optimizerSetting(raw: string | undefined): ServerOptimizer {
  const v = (raw ?? '').trim();
  if (v === '') return FL_DEFAULTS.serverOptimizer;
  if (!isServerOptimizer(v)) throw new Error(`FL_SERVER_OPTIMIZER=${raw}: must be adam or sgd`);
  return v;
}

function weightsSetting(raw: string | undefined): FlConfig['weights'] {
  const v = (raw ?? '').trim();
  if (v === '') return FL_DEFAULTS.weights;
  if (v !== 'dense' && v !== 'all') throw new Error(`FL_WEIGHTS=${raw}: must be dense or all`);
  return v;
}
