// The few numeric kernels of the forward pass, over typed arrays with explicit offsets so the
// encoder can work in preallocated buffers. Sums run in float64 (JS numbers): TF.js's float32
// kernels then differ from these by their own rounding only. Loops walk running indices and
// always add a bias (zeros where a layer has none): both measurably faster in V8.

/** out[oo + t·dout + j] = bias[j] + Σ_i x[xo + t·din + i] · w[j·din + i], for the n rows t of
 *  x [n, din] and j < dout: w is [dout, din] (a dense layer's matrix, transposed). Four rows
 *  share each weight read (about 1.3x the speed of two in V8, 2x that of one). */
export function projectRows(
  x: Float64Array,
  xo: number,
  n: number,
  din: number,
  w: Float32Array,
  dout: number,
  out: Float64Array,
  oo: number,
  bias: Float32Array,
): void {
  let t = 0;
  for (; t + 3 < n; t += 4) {
    const a = xo + t * din;
    const o = oo + t * dout;
    for (let j = 0; j < dout; j++) {
      let s0 = bias[j];
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      let i = j * din;
      const end = i + din;
      for (let xa = a; i < end; i++, xa++) {
        const wi = w[i];
        s0 += x[xa] * wi;
        s1 += x[xa + din] * wi;
        s2 += x[xa + 2 * din] * wi;
        s3 += x[xa + 3 * din] * wi;
      }
      out[o + j] = s0;
      out[o + dout + j] = s1;
      out[o + 2 * dout + j] = s2;
      out[o + 3 * dout + j] = s3;
    }
  }
  for (; t < n; t++) projectRow(x, xo + t * din, din, w, dout, out, oo + t * dout, bias);
}

/** projectRows for one row. */
function projectRow(x: Float64Array, xo: number, din: number, w: Float32Array, dout: number, out: Float64Array, oo: number, bias: Float32Array): void {
  for (let j = 0; j < dout; j++) out[oo + j] = bias[j] + dotRow(x, xo, w, j, din);
}

/** x[xo .. xo+d) · row r of the [rows, d] table t. */
export function dotRow(x: Float64Array, xo: number, t: Float32Array, r: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = r * d;
  const end = i + d;
  let xi = xo;
  for (; i + 3 < end; i += 4, xi += 4) {
    s0 += x[xi] * t[i];
    s1 += x[xi + 1] * t[i + 1];
    s2 += x[xi + 2] * t[i + 2];
    s3 += x[xi + 3] * t[i + 3];
  }
  for (; i < end; i++, xi++) s0 += x[xi] * t[i];
  return s0 + s1 + (s2 + s3);
}

/** Layer normalization of x[xo .. xo+d) into out[oo ..): population variance, ε = 1e-6, as
 *  tf.moments and network.ts's layerNorm. */
export function layerNorm(x: Float64Array, xo: number, d: number, g: Float32Array, b: Float32Array, out: Float64Array, oo: number): void {
  let mean = 0;
  for (let i = 0; i < d; i++) mean += x[xo + i];
  mean /= d;
  let variance = 0;
  for (let i = 0; i < d; i++) {
    const c = x[xo + i] - mean;
    variance += c * c;
  }
  const inv = 1 / Math.sqrt(variance / d + 1e-6);
  for (let i = 0; i < d; i++) out[oo + i] = (x[xo + i] - mean) * inv * g[i] + b[i];
}

/** x[xo + i] += row r of the [rows, d] table t. */
export function addRow(x: Float64Array, xo: number, t: Float32Array, r: number, d: number): void {
  const to = r * d;
  for (let i = 0; i < d; i++) x[xo + i] += t[to + i];
}
