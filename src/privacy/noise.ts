// Gaussian noise for the aggregate. In production it comes from the platform's CSPRNG (WebCrypto,
// in Node and browsers alike); tests pass a seeded source so their statistics are reproducible.

export type Uniform = () => number;

/** Uniform (0, 1) from crypto.getRandomValues, 53 bits per draw, buffered. */
export function cryptoUniform(): Uniform {
  const buf = new Uint32Array(1024);
  let i = buf.length;
  return () => {
    if (i + 2 > buf.length) crypto.getRandomValues(buf), (i = 0);
    const hi = buf[i++] >>> 5;
    const lo = buf[i++] >>> 6;
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
