// Shoppers kept out of training entirely, so the "adapt" protocol can measure on-device learning
// the way it happens in production: on a shopper the global model has never seen.
import { hash32 } from '../../src/model/plain/hash';

export interface Holdout {
  /** Share of users held out, 0..1. */
  fraction: number;
  seed: number;
}

export function isHeldOut(userId: string, h: Holdout | undefined): boolean {
  return !!h && h.fraction > 0 && hash32(userId, 7000 + h.seed) % 10000 < h.fraction * 10000;
}
