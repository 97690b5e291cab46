// A reproducible Uniform, for tests whose noise statistics must come out the same on every run.
// Never for a release: the aggregate's noise draws from cryptoUniform.
import { rng } from '../shared/random';
import { uniformFromWords, type Uniform } from './noise';

export function seededUniform(seed: number): Uniform {
  const random = rng(seed);
  return uniformFromWords(() => random() * 4294967296);
}
