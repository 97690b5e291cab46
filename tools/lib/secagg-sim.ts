// A two-aggregator round in the simulator, on the production code: each device's report is built
// as the widget builds it (src/privacy/secagg/report.ts: split, seal the seed to the helper), and
// the leader's and the helper's work on it, their noise, the combination, the range check and the
// decoding are the servers' own functions (src/privacy/secagg/aggregation.ts). A worker thread
// plays the devices it is given and, for those devices' reports, both aggregators; the main thread
// merges the threads' partial share sums, which add like the shares themselves (mod 2^w).
import { encodeClipped, sharedClipNorm } from '../../src/privacy/fixed-point';
import { addAggregatorNoise, addHelperShare, noiseSigmaUnits, releaseMean, ShareSum, type Release } from '../../src/privacy/secagg/aggregation';
import type { HpkeKeyPair } from '../../src/privacy/secagg/hpke';
import { buildReport, encodeReport, parseReport, type Expected } from '../../src/privacy/secagg/report';
import { HELPER_PRIMITIVES } from '../../server/fl/helper-primitives';
import { addInto, maxReports, ringWidth, type Width } from '../../src/privacy/secagg/ring';
import type { FillWords } from '../../src/privacy/secagg/uniform';

/** What a round's threads need to play its devices and both aggregators. */
export interface SecAggRound {
  round: number;
  modelVersion: string;
  width: Width;
  /** The helper's key pair: its configuration is what devices seal to, its private key opens. */
  helperKeys: HpkeKeyPair;
}

/** A partial aggregate share as it crosses threads (a ShareSum without its methods). */
type PartialShare = Pick<ShareSum, 'sum' | 'count' | 'width'>;

/** What a thread returns for its devices: the leader's and the helper's partial sums. */
export interface SharePair {
  leader: PartialShare;
  helper: PartialShare;
}

/** A device's upload body before sharing: its delta clipped for this mode, int16 fixed point. */
export function deviceUpdate(delta: Float32Array, clipNorm: number, scale: number): Int16Array {
  return encodeClipped(delta, sharedClipNorm(clipNorm, delta.length), scale);
}

// The simulated devices' reports use the helper server's primitives (helper-primitives.ts) too:
// the same bytes as the widget's WebCrypto, at a fraction of the cost here.

/** One thread's share of a round: each update becomes a report on the wire, which the leader
 *  parses and adds, and whose sealed seed the helper opens, expands and adds. */
export class SimulatedAggregators {
  readonly leader: ShareSum;
  readonly helper: ShareSum;
  private readonly expected: Expected;

  constructor(
    length: number,
    private readonly round: SecAggRound,
  ) {
    this.leader = new ShareSum(length, round.width);
    this.helper = new ShareSum(length, round.width);
    this.expected = { round: round.round, modelVersion: round.modelVersion, length, width: round.width, keyIds: [round.helperKeys.config.keyId] };
  }

  async add(update: Int16Array): Promise<void> {
    const { round, modelVersion, width, helperKeys } = this.round;
    const wire = encodeReport(await buildReport({ update, round, modelVersion, width, helperConfig: helperKeys.config }, HELPER_PRIMITIVES));
    const report = parseReport(wire, this.expected);
    this.leader.addBytes(report.leaderShare);
    await addHelperShare(this.helper, [helperKeys], report, HELPER_PRIMITIVES);
  }

  result(): SharePair {
    return { leader: this.leader, helper: this.helper };
  }
}

/** The ring of a simulation: wide enough for the largest cohort Poisson sampling will draw (the
 *  expected size plus 10 standard deviations, or every client), with the noise of both
 *  aggregators. Each round's cohort is checked against `maxReports` before it runs. */
export function simulationRing(clients: number, sampleRate: number, noiseMultiplier: number): { width: Width; maxReports: number } {
  const sd = Math.sqrt(clients * sampleRate * (1 - sampleRate));
  const largest = Math.min(clients, Math.ceil(clients * sampleRate + 10 * sd));
  const sigma = noiseSigmaUnits(noiseMultiplier);
  const width = ringWidth(largest, sigma);
  return { width, maxReports: maxReports(width, sigma) };
}

export interface ReleaseOptions {
  noiseMultiplier: number;
  /** The expected cohort: the mean's denominator under Poisson sampling. */
  denominator: number;
  scale: number;
  /** Seeded word sources for the two aggregators' noise, in tests; the CSPRNG otherwise. */
  noiseSources?: { leader: FillWords; helper: FillWords };
}

/** The main thread's side of a round: the threads' partial sums merged per aggregator, each
 *  aggregator's noise on its own share, then the leader's combination, range check and decoding. */
export class TwoAggregatorRound {
  private readonly leader: ShareSum;
  private readonly helper: ShareSum;
  private noise?: { leader: Uint32Array; helper: Uint32Array };

  constructor(length: number, width: Width) {
    this.leader = new ShareSum(length, width);
    this.helper = new ShareSum(length, width);
  }

  get count(): number {
    return this.leader.count;
  }

  merge(part: SharePair): void {
    if (part.leader.count !== part.helper.count) throw new Error(`simulated round: a thread's leader summed ${part.leader.count} reports, its helper ${part.helper.count}`);
    this.leader.merge(part.leader);
    this.helper.merge(part.helper);
  }

  /** Draws each aggregator's noise ahead of `finish`: it does not depend on the shares, so the main
   *  thread can draw it while the round's devices run rather than after them. */
  drawNoise(opts: Pick<ReleaseOptions, 'noiseMultiplier' | 'noiseSources'>): { leader: Uint32Array; helper: Uint32Array } {
    const draw = (source?: FillWords) => {
      const noise = new Uint32Array(this.leader.sum.length);
      addAggregatorNoise(noise, this.leader.width, opts.noiseMultiplier, source);
      return noise;
    };
    return (this.noise = { leader: draw(opts.noiseSources?.leader), helper: draw(opts.noiseSources?.helper) });
  }

  /** The noisy mean, or the range check's refusal; the round cannot be used afterwards. */
  finish(opts: ReleaseOptions): Release {
    const { width } = this.leader;
    const noise = this.noise ?? this.drawNoise(opts);
    addInto(this.leader.sum, noise.leader, width);
    addInto(this.helper.sum, noise.helper, width);
    return releaseMean({
      leader: this.leader.sum,
      helper: this.helper.sum,
      width,
      reports: this.count,
      noiseMultiplier: opts.noiseMultiplier,
      denominator: opts.denominator,
      scale: opts.scale,
    });
  }
}
