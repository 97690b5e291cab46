// Two additive shares of a device's update in Z_2^w: the helper's is a fresh seed (expanded by the
// PRG), the leader's is x − PRG(seed). Each share alone is uniform whatever x is: the leader's is x
// masked by a one-time pad it never sees, the helper's does not depend on x at all.
import { NOT_A_NUMBER } from '../fixed-point';
import type { ReportContext } from './context';
import { refuse } from './errors';
import { expand, SEED_BYTES, type KeyStream } from './prg';
import { ringMask, type Width } from './ring';

export interface Shares {
  /** 32 bytes from the platform CSPRNG: the helper's whole share. */
  helperSeed: Uint8Array;
  /** x − PRG(helperSeed) mod 2^w. */
  leaderShare: Uint32Array;
}

export async function split(x: Int16Array, width: Width, ctx: ReportContext, keyStream?: KeyStream): Promise<Shares> {
  if (x.length === 0) refuse('malformed', 'an empty update');
  const bad = x.indexOf(NOT_A_NUMBER);
  // Clipped encodings stay within ±32767, which the ring's width rule relies on.
  if (bad >= 0) refuse('malformed', `update value ${bad} is ${NOT_A_NUMBER}, which no clipped encoding produces`);
  const helperSeed = crypto.getRandomValues(new Uint8Array(SEED_BYTES));
  const leaderShare = await expand(helperSeed, x.length, width, ctx, keyStream);
  const mask = ringMask(width);
  for (let i = 0; i < x.length; i++) leaderShare[i] = (x[i] - leaderShare[i]) & mask;
  return { helperSeed, leaderShare };
}

