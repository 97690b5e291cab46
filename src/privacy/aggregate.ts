// DP-FedAvg's server step (McMahan et al. 2018): clip every update to C again (defence in depth:
// uploads over C are refused before they get here), sum, add Gaussian noise of standard
// deviation z·C to the sum, divide by the number of updates. One device can move the result by
// at most C / n before noise, whatever it sends. Updates are added one at a time, so a round of
// any size needs the memory of one update.
import { addGaussian, type Uniform } from './noise';
import { l2norm } from './fixed-point';

/** A cohort of one would publish a single device's (noised) update: never allowed. */
export const MIN_COHORT = 2;

export interface AggregateOptions {
  clipNorm: number;
  noiseMultiplier: number;
  /** Fewer updates than this (and never fewer than MIN_COHORT) are never aggregated. */
  cohort: number;
  uniform: Uniform;
  /** Divide the noisy sum by this expected number of updates instead of by their count: the
   *  estimator of McMahan et al. 2018 for rounds whose clients are Poisson-sampled, where the
   *  count itself depends on who took part. */
  denominator?: number;
}

/** A part of a round's clipped sum, as one adder (a thread of the simulator) made it. */
export interface PartialSum {
  sum: Float32Array;
  count: number;
}

/** Sums updates, each clipped to C first. */
export class ClippedSum implements PartialSum {
  readonly sum: Float32Array;
  count = 0;

  constructor(readonly length: number, readonly clipNorm: number) {
    if (!(clipNorm > 0 && Number.isFinite(clipNorm))) throw new Error(`aggregate: clip norm ${clipNorm} must be finite and > 0`);
    this.sum = new Float32Array(length);
  }

  add(update: Float32Array): void {
    if (update.length !== this.length) throw new Error(`aggregate: update of ${update.length} values, expected ${this.length}`);
    const norm = l2norm(update);
    // NaN would slip past the clip below (NaN > C is false) and poison every coordinate.
    if (!Number.isFinite(norm)) throw new Error('aggregate: an update has values that are not finite');
    const f = norm > this.clipNorm ? this.clipNorm / norm : 1;
    const sum = this.sum;
    for (let i = 0; i < sum.length; i++) sum[i] += update[i] * f;
    this.count++;
  }

  /** Adds another adder's sum of clipped updates. */
  merge(part: PartialSum): void {
    if (part.sum.length !== this.length) throw new Error(`aggregate: a partial sum of ${part.sum.length} values, expected ${this.length}`);
    // The sum of n updates clipped to C has norm at most n·C: a larger one skipped the clip.
    const norm = l2norm(part.sum);
    if (!(norm <= part.count * this.clipNorm * (1 + 1e-5))) throw new Error(`aggregate: a partial sum of ${part.count} updates has norm ${norm}, over ${part.count} × C`);
    const sum = this.sum;
    for (let i = 0; i < sum.length; i++) sum[i] += part.sum[i];
    this.count += part.count;
  }
}

export class Aggregator extends ClippedSum {
  constructor(length: number, private readonly opts: AggregateOptions) {
    super(length, checked(opts).clipNorm);
  }

  /** The noisy mean; the aggregator cannot be used afterwards. */
  finish(): Float32Array {
    const cohort = Math.max(this.opts.cohort, MIN_COHORT);
    if (!(this.count >= cohort)) throw new Error(`aggregate: ${this.count} updates, the cohort needs ${cohort}`);
    addGaussian(this.sum, this.opts.noiseMultiplier * this.opts.clipNorm, this.opts.uniform);
    const n = this.opts.denominator ?? this.count;
    const sum = this.sum;
    for (let i = 0; i < sum.length; i++) sum[i] /= n;
    return this.sum;
  }
}

function checked(opts: AggregateOptions): AggregateOptions {
  if (!(opts.noiseMultiplier > 0)) throw new Error('aggregate: refusing to aggregate without noise');
  if (opts.denominator !== undefined && !(opts.denominator >= MIN_COHORT)) throw new Error(`aggregate: denominator ${opts.denominator} is below ${MIN_COHORT}`);
  return opts;
}

export function aggregate(updates: readonly Float32Array[], opts: AggregateOptions): Float32Array {
  const cohort = Math.max(opts.cohort, MIN_COHORT);
  if (!(updates.length >= cohort)) throw new Error(`aggregate: ${updates.length} updates, the cohort needs ${cohort}`);
  const acc = new Aggregator(updates[0].length, opts);
  for (const u of updates) acc.add(u);
  return acc.finish();
}
