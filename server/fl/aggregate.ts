// DP-FedAvg's server step (McMahan et al. 2018): clip every update to C again (defence in depth:
// uploads over C are refused before they get here), sum, add Gaussian noise of standard
// deviation z·C to the sum, divide by the number of updates. One device can move the result by
// at most C / n before noise, whatever it sends. Updates are added one at a time, so a round of
// any size needs the memory of one update.
import { addGaussian, type Uniform } from './noise';
import { l2norm } from './fixed-point';
import { MIN_COHORT } from './config';

export interface AggregateOptions {
  clipNorm: number;
  noiseMultiplier: number;
  /** Fewer updates than this (and never fewer than MIN_COHORT) are never aggregated. */
  cohort: number;
  uniform: Uniform;
}

export class Aggregator {
  private readonly sum: Float32Array;
  count = 0;

  constructor(readonly length: number, private readonly opts: AggregateOptions) {
    if (!(opts.noiseMultiplier > 0)) throw new Error('aggregate: refusing to aggregate without noise');
    if (!(opts.clipNorm > 0 && Number.isFinite(opts.clipNorm))) throw new Error(`aggregate: clip norm ${opts.clipNorm} must be finite and > 0`);
    this.sum = new Float32Array(length);
  }

  add(update: Float32Array): void {
    if (update.length !== this.length) throw new Error(`aggregate: update of ${update.length} values, expected ${this.length}`);
    const norm = l2norm(update);
    // NaN would slip past the clip below (NaN > C is false) and poison every coordinate.
    if (!Number.isFinite(norm)) throw new Error('aggregate: an update has values that are not finite');
    const f = norm > this.opts.clipNorm ? this.opts.clipNorm / norm : 1;
    for (let i = 0; i < this.length; i++) this.sum[i] += update[i] * f;
    this.count++;
  }

  /** The noisy mean; the aggregator cannot be used afterwards. */
  finish(): Float32Array {
    const cohort = Math.max(this.opts.cohort, MIN_COHORT);
    if (!(this.count >= cohort)) throw new Error(`aggregate: ${this.count} updates, the cohort needs ${cohort}`);
    addGaussian(this.sum, this.opts.noiseMultiplier * this.opts.clipNorm, this.opts.uniform);
    for (let i = 0; i < this.length; i++) this.sum[i] /= this.count;
    return this.sum;
  }
}

export function aggregate(updates: readonly Float32Array[], opts: AggregateOptions): Float32Array {
  const cohort = Math.max(opts.cohort, MIN_COHORT);
  if (!(updates.length >= cohort)) throw new Error(`aggregate: ${updates.length} updates, the cohort needs ${cohort}`);
  const acc = new Aggregator(updates[0].length, opts);
  for (const u of updates) acc.add(u);
  return acc.finish();
}
