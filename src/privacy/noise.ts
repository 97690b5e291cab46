// Gaussian noise for the aggregate. In production it comes from the platform's CSPRNG (WebCrypto,
// in Node and browsers alike); tests pass a seeded source so their statistics are reproducible.

export type Uniform = () => number;

/** Uniform (0, 1) from crypto.getRandomValues, buffered. */
export function cryptoUniform(): Uniform {
  const buf = new Uint32Array(1024);
  let i = buf.length;
  return uniformFromWords(() => {
    if (i === buf.length) {
      crypto.getRandomValues(buf);
      i = 0;
    }
    return buf[i++];
  });
}

/** Uniform (0, 1) with 53 random bits from two 32-bit words a draw; never 0 (Box–Muller takes its log). */
export function uniformFromWords(word: () => number): Uniform {
  return () => {
    const hi = word() >>> 5;
    const lo = word() >>> 6;
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  };
}

/** Fills `out` with N(0, sigma²) by Box–Muller. */
export function addGaussian(out: Float32Array, sigma: number, uniform: Uniform): void {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] += sigma * r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] += sigma * r * Math.sin(t);
  }
}
