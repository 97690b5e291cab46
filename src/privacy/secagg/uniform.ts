// Exact uniform integers from a source of 32-bit words: the only randomness the discrete Gaussian
// sampler consumes. Rejection sampling keeps every draw exactly uniform; comparisons with BigInt
// bounds look at the top 32 bits first and draw the rest only on a tie.

/** Fills `out` with uniform 32-bit words. */
export type FillWords = (out: Uint32Array<ArrayBuffer>) => void;

/** The platform CSPRNG (getRandomValues fills at most 65,536 bytes a call). */
export const cryptoWords: FillWords = (out) => {
  for (let at = 0; at < out.length; at += 16384) crypto.getRandomValues(out.subarray(at, at + 16384));
};

export class UniformSource {
  private readonly words: Uint32Array<ArrayBuffer>;
  private at: number;

  constructor(
    private readonly fill: FillWords = cryptoWords,
    buffer = 4096,
  ) {
    this.words = new Uint32Array(buffer);
    this.at = buffer;
  }

  word(): number {
    if (this.at === this.words.length) {
      this.fill(this.words);
      this.at = 0;
    }
    return this.words[this.at++];
  }

  /** Uniform integer in [0, n) for an integer 1 ≤ n ≤ 2^53, by rejection from the next power of two. */
  below(n: number): number {
    if (n === 1) return 0;
    if (n <= 0x100000000) {
      const shift = Math.clz32(n - 1);
      for (;;) {
        const u = this.word() >>> shift;
        if (u < n) return u;
      }
    }
    const shift = Math.clz32(Math.floor((n - 1) / 0x100000000));
    for (;;) {
      const u = (this.word() >>> shift) * 0x100000000 + this.word();
      if (u < n) return u;
    }
  }

  /** Whether U < r for U uniform in [0, m), 0 ≤ r ≤ m: Bernoulli(r/m) for BigInt r and m. U is
   *  drawn as 32 top bits then the low bits, rejecting U ≥ m; the top word decides unless it ties
   *  with r's or m's (probability about 2^−31), and only then are the low bits drawn. */
  lessBig(r: bigint, m: bigint): boolean {
    const s = topShift(m);
    const shift = BigInt(s);
    const mTop = Number(m >> shift);
    const rTop = Number(r >> shift);
    for (;;) {
      const u = this.word();
      // U's top word below r's: U < r whatever the low bits (and U < r ≤ m, so U is kept).
      if (u < rTop) return true;
      // Above m's: U ≥ m whatever the low bits: reject and draw again.
      if (u > mTop) continue;
      // Strictly between: r < U < m.
      if (u > rTop && u < mTop) return false;
      let low = 0n;
      for (let b = 0; b < s; b += 32) low = (low << 32n) | BigInt(this.word());
      const full = (BigInt(u) << shift) | (low & ((1n << shift) - 1n));
      if (full < m) return full < r;
    }
  }
}

/** s such that m >> s has exactly 32 bits (s = 0 for m below 2^32). */
function topShift(m: bigint): number {
  let s = Math.max(0, Math.floor(Math.log2(Number(m))) - 31);
  while (m >> BigInt(s) >= 0x100000000n) s++;
  while (s > 0 && m >> BigInt(s) < 0x80000000n) s--;
  return s;
}
