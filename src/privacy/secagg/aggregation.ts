// What the two aggregators do with a round's reports, as pure functions that the leader and helper
// servers and the simulator share:
//
//   new ShareSum(length, width)            an aggregate share: .addBytes(leader share bytes),
//                                          .addVector(ring vector), .merge(other); .count, .sum
//   addHelperShare(sum, keys, report)      helper: open one report's seed, expand it, add it
//   noiseSigmaUnits(z)                     σ = z·32767 in fixed-point units, as the sampler draws it
//   addAggregatorNoise(share, width, z)    one aggregator's N_Z(0, σ²) on its aggregate share
//   combineShares(leader, helper, width)   leader: the two noisy shares → the noisy sum, signed
//   rangeLimits(reports, length, σ)        what `reports` honest clipped updates plus both noises reach
//   checkRange(sum, reports, σ)            the leader's check on the decoded sum (L2, per coordinate)
//   decodeMean(sum, denominator, scale)    the noisy mean update, in model units
//   releaseMean({...})                     combine → check → decode in one call, or the refusal
//
// No server re-clips in this mode: the range check is what stands between one malicious report
// (any ring element) and the published model. It refuses a sum that `reports` honest updates of L2
// norm ≤ 32767 plus the noise of two aggregators cannot produce outside an event of probability
// < 2·10^−87, so an honest round is never refused in practice, and a malicious report can move the
// sum by no more than about the noise's own spread (README "Threat model").
import { MAX_CODE } from '../fixed-point';
import { DiscreteGaussian, noiseSigma, squared } from './discrete-gaussian';
import { refuse } from './errors';
import type { HpkeKeyPair } from './hpke';
import { helperShare, type Primitives, type Report } from './report';
import { addBytesInto, addInto, checkWidth, ringMask, sumBound, toSigned, type Width } from './ring';
import type { FillWords } from './uniform';

/** An aggregator's running sum of its shares of a round's reports (mod 2^w). */
export class ShareSum {
  readonly sum: Uint32Array;
  count = 0;

  constructor(
    readonly length: number,
    readonly width: Width,
  ) {
    checkWidth(width);
    if (!(Number.isInteger(length) && length > 0)) throw new Error(`aggregation: a share of ${length} values`);
    this.sum = new Uint32Array(length);
  }

  /** A leader share as the report carries it (d·w/8 little-endian bytes). */
  addBytes(share: Uint8Array): void {
    addBytesInto(this.sum, share, this.width);
    this.count++;
  }

  /** A share already read into ring elements (the helper's expanded seed). */
  addVector(share: Uint32Array): void {
    addInto(this.sum, share, this.width);
    this.count++;
  }

  /** Another adder's sum over other reports (a thread of the simulator). */
  merge(other: Pick<ShareSum, 'sum' | 'count' | 'width'>): void {
    if (other.width !== this.width) throw new Error(`aggregation: a ${other.width}-bit partial sum into a ${this.width}-bit one`);
    addInto(this.sum, other.sum, this.width);
    this.count += other.count;
  }
}

/** The helper's part of one report: its seed opened (SecAggError if it does not), expanded, added. */
export async function addHelperShare(sum: ShareSum, keys: readonly HpkeKeyPair[], report: Pick<Report, 'round' | 'modelVersion' | 'reportId' | 'width' | 'length' | 'sealedSeed'>, primitives?: Primitives): Promise<void> {
  if (report.width !== sum.width || report.length !== sum.length) refuse('wrong-size', `a report of ${report.length} × ${report.width} bits in a sum of ${sum.length} × ${sum.width} bits`);
  sum.addVector(await helperShare(keys, report, primitives));
}

/** σ in fixed-point units for noise multiplier z, as a number: the sampler's exact σ (z·32767
 *  rounded up to a multiple of 2^−10), so the bounds below are never below the noise drawn. */
export function noiseSigmaUnits(noiseMultiplier: number): number {
  const s = noiseSigma(noiseMultiplier);
  return Number(s.num) / Number(s.den);
}

/** Adds one aggregator's discrete Gaussian N_Z(0, (z·32767)²) to each coordinate of its aggregate
 *  share, in place. Each aggregator calls this once per round on its own share: either noise alone
 *  is what the accountant charges for. `source` seeds the draws in tests only. */
export function addAggregatorNoise(share: Uint32Array, width: Width, noiseMultiplier: number, source?: FillWords): void {
  new DiscreteGaussian(squared(noiseSigma(noiseMultiplier)), source).addToRing(share, width);
}

/** The leader's noisy share plus the helper's: the noisy sum of the round's updates, read as
 *  signed integers. Exact while the true sum stays in the ring (ring.ts ringWidth). */
export function combineShares(leader: Uint32Array, helper: Uint32Array, width: Width): Int32Array {
  if (leader.length !== helper.length) refuse('wrong-size', `aggregate shares of ${leader.length} and ${helper.length} values`);
  const mask = ringMask(width);
  const out = new Uint32Array(leader.length);
  for (let i = 0; i < out.length; i++) out[i] = (leader[i] + helper[i]) & mask;
  return toSigned(out, width);
}

/** Laurent & Massart's χ² tail, t = 200: P(‖n‖² ≥ s²(d + 2√(dt) + 2t)) ≤ e^−200 for n with
 *  independent s-subgaussian coordinates (the bound only uses the moment generating function,
 *  which an s-subgaussian square shares with a Gaussian's: E[e^{λX²}] ≤ (1 − 2λs²)^−½). */
const L2_TAIL = 200;

export interface RangeLimits {
  /** Largest |sum_j| per coordinate (ring.ts sumBound). */
  coordinate: number;
  /** Largest L2 norm of the sum. */
  l2: number;
}

/** What `reports` honest updates (each of L2 norm ≤ 32767) plus the noise of two aggregators (σ
 *  each, in fixed-point units) can produce, over `length` coordinates. The sum of the two noises has
 *  independent √2σ-subgaussian coordinates (Canonne, Kamath & Steinke 2020: N_Z(0, σ²) is
 *  σ-subgaussian); the updates add at most reports·32767 to the norm (triangle inequality). */
export function rangeLimits(reports: number, length: number, sigma: number): RangeLimits {
  if (!(Number.isInteger(length) && length > 0)) throw new Error(`aggregation: ${length} coordinates`);
  const noise2 = 2 * sigma * sigma * (length + 2 * Math.sqrt(length * L2_TAIL) + 2 * L2_TAIL);
  return { coordinate: sumBound(reports, sigma), l2: reports * MAX_CODE + Math.sqrt(noise2) };
}

export type RangeCheck =
  | { ok: true; l2: number; maxAbs: number; limits: RangeLimits }
  | { ok: false; reason: string; l2: number; maxAbs: number; limits: RangeLimits };

/** Whether the decoded noisy sum of `reports` reports could have come from honest clipped updates
 *  plus the noise (σ per aggregator, fixed-point units). The leader publishes nothing otherwise. */
export function checkRange(sum: Int32Array, reports: number, sigma: number): RangeCheck {
  const limits = rangeLimits(reports, sum.length, sigma);
  let squares = 0;
  let maxAbs = 0;
  let worst = -1;
  for (let i = 0; i < sum.length; i++) {
    const v = sum[i];
    squares += v * v;
    const a = Math.abs(v);
    if (a > maxAbs) {
      maxAbs = a;
      worst = i;
    }
  }
  const l2 = Math.sqrt(squares);
  const base = { l2, maxAbs, limits };
  if (maxAbs > limits.coordinate) return { ok: false, reason: `coordinate ${worst} of the sum is ${sum[worst]}, beyond ±${limits.coordinate} (${reports} clipped updates plus noise)`, ...base };
  if (l2 > limits.l2) return { ok: false, reason: `the sum's L2 norm ${l2.toFixed(0)} exceeds ${limits.l2.toFixed(0)} (${reports} clipped updates plus noise)`, ...base };
  return { ok: true, ...base };
}

/** The noisy mean update in model units: sum / (denominator · scale), scale = 32767 / C. */
export function decodeMean(sum: Int32Array, denominator: number, scale: number): Float32Array {
  if (!(denominator > 0 && Number.isFinite(denominator))) throw new Error(`aggregation: denominator ${denominator} must be finite and > 0`);
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`aggregation: scale ${scale} must be finite and > 0`);
  const f = 1 / (denominator * scale);
  const out = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = sum[i] * f;
  return out;
}

export interface ReleaseInput {
  /** The leader's aggregate share with its noise added. */
  leader: Uint32Array;
  /** The helper's, as it answered. */
  helper: Uint32Array;
  width: Width;
  /** How many reports both aggregators summed. */
  reports: number;
  /** The larger of the two aggregators' noise multipliers (the bounds must hold for both noises). */
  noiseMultiplier: number;
  /** The mean's denominator: the number of reports, or the expected cohort under Poisson sampling. */
  denominator: number;
  scale: number;
}

export type Release = { ok: true; mean: Float32Array; check: RangeCheck } | { ok: false; reason: string; check: RangeCheck };

/** Combine, range-check and decode: the noisy mean, or why the round must publish nothing. */
export function releaseMean(input: ReleaseInput): Release {
  const sum = combineShares(input.leader, input.helper, input.width);
  const check = checkRange(sum, input.reports, noiseSigmaUnits(input.noiseMultiplier));
  if (!check.ok) return { ok: false, reason: check.reason, check };
  return { ok: true, mean: decodeMean(sum, input.denominator, input.scale), check };
}
