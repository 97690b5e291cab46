// The shopper's state after the newest event: network.ts's encode + userState over typed arrays,
// for one history. Padding never reaches a real event in the TF.js network (the attention mask
// hides it), so this pass reads the real events only. The last block is needed at the newest
// event alone, and there its attention is regrouped so no key or value is ever formed:
//   q·k_j = q·(Wkᵀ h_j) = (Wk q)·h_j,   Σ_j p_j v_j = Wvᵀ (Σ_j p_j h_j),
// per head, which turns 2·n·d² multiply-adds into 2·d² + 2·n·d (same sums, another order).
import type { ModelConfig } from '../config';
import type { HistoryCodes } from './history';
import { addRow, dotRow, layerNorm, projectRows } from './kernels';
import type { BlockWeights, RankWeights } from './weights';

/** Writes the state after the newest of (at most the last maxLen of) `h`'s events into `state`
 *  [dim]; false, and `state` untouched, for an empty history. */
type Encoder = (h: HistoryCodes, state: Float64Array) => boolean;

export function createEncoder(cfg: ModelConfig, w: RankWeights): Encoder {
  const d = cfg.dim;
  const f = d * cfg.ffnMult;
  const hd = d / cfg.heads;
  const scale = 1 / Math.sqrt(hd);
  // Every buffer is allocated once, [maxLen, width] row-major: a call allocates nothing.
  const rows = (width: number) => new Float64Array(cfg.maxLen * width);
  const [x, normed, q, k, v, mixed, out] = [rows(d), rows(d), rows(d), rows(d), rows(d), rows(d), rows(d)];
  const hidden = rows(f);
  const probs = new Float64Array(cfg.maxLen);
  const [u, g] = [new Float64Array(d), new Float64Array(d)];

  function embed(h: HistoryCodes, first: number, n: number): void {
    x.fill(0, 0, n * d);
    for (let t = 0; t < n; t++) {
      const slot = first + t;
      const xo = t * d;
      for (let j = 0; j < cfg.itemHashes; j++) addRow(x, xo, w.item, h.ids[slot * cfg.itemHashes + j], d);
      for (let j = 0; j < cfg.categoryLevels; j++) addRow(x, xo, w.category, h.cats[slot * cfg.categoryLevels + j], d);
      addRow(x, xo, w.brand, h.brands[slot], d);
      addRow(x, xo, w.eventType, h.types[slot], d);
      addRow(x, xo, w.position, n - 1 - t, d); // recency rank: 0 for the newest
    }
  }

  /** Causal multi-head attention of query row t over rows 0..t, into row t of `mixed`. */
  function attend(t: number): void {
    for (let head = 0; head < cfg.heads; head++) {
      const off = head * hd;
      let max = -Infinity;
      for (let j = 0; j <= t; j++) {
        let s = 0;
        for (let i = 0; i < hd; i++) s += q[t * d + off + i] * k[j * d + off + i];
        probs[j] = s * scale;
        if (probs[j] > max) max = probs[j];
      }
      let sum = 0;
      for (let j = 0; j <= t; j++) sum += probs[j] = Math.exp(probs[j] - max);
      for (let i = 0; i < hd; i++) {
        let s = 0;
        for (let j = 0; j <= t; j++) s += probs[j] * v[j * d + off + i];
        mixed[t * d + off + i] = s / sum;
      }
    }
  }

  /** attend(n - 1) of the last block, from its normalized inputs alone (see the top). */
  function attendNewest(b: BlockWeights, n: number): void {
    const lo = (n - 1) * d;
    projectRows(normed, lo, 1, d, b.wq, d, q, lo, b.none);
    for (let head = 0; head < cfg.heads; head++) {
      const off = head * hd;
      u.fill(0);
      for (let c = off; c < off + hd; c++) {
        const qc = q[lo + c];
        for (let i = 0, r = c * d; i < d; i++, r++) u[i] += b.wk[r] * qc;
      }
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0, r = j * d; i < d; i++, r++) s += u[i] * normed[r];
        probs[j] = s * scale;
        if (probs[j] > max) max = probs[j];
      }
      let sum = 0;
      for (let j = 0; j < n; j++) sum += probs[j] = Math.exp(probs[j] - max);
      g.fill(0);
      for (let j = 0; j < n; j++) {
        const p = probs[j] / sum;
        for (let i = 0, r = j * d; i < d; i++, r++) g[i] += p * normed[r];
      }
      for (let c = off; c < off + hd; c++) mixed[lo + c] = dotRow(g, 0, b.wv, c, d);
    }
  }

  function addOut(from: number, n: number): void {
    for (let i = from * d; i < n * d; i++) x[i] += out[i];
  }

  /** One pre-LN block over rows 0..n, updating rows from..n of x in place (from = n - 1 in the
   *  last block): attention reads every row's input to the block, normalized before any row
   *  changes. */
  function block(b: BlockWeights, n: number, from: number): void {
    const m = n - from;
    for (let t = 0; t < n; t++) layerNorm(x, t * d, d, b.ln1g, b.ln1b, normed, t * d);
    if (from === n - 1) attendNewest(b, n);
    else {
      projectRows(normed, 0, n, d, b.wk, d, k, 0, b.none);
      projectRows(normed, 0, n, d, b.wv, d, v, 0, b.none);
      projectRows(normed, 0, n, d, b.wq, d, q, 0, b.none);
      for (let t = 0; t < n; t++) attend(t);
    }
    projectRows(mixed, from * d, m, d, b.wo, d, out, from * d, b.none);
    addOut(from, n);
    for (let t = from; t < n; t++) layerNorm(x, t * d, d, b.ln2g, b.ln2b, normed, t * d);
    projectRows(normed, from * d, m, d, b.ffn1, f, hidden, from * f, b.ffn1b);
    for (let i = from * f; i < n * f; i++) if (hidden[i] < 0) hidden[i] = 0;
    projectRows(hidden, from * f, m, f, b.ffn2, d, out, from * d, b.ffn2b);
    addOut(from, n);
  }

  return (h, state) => {
    const n = Math.min(h.count, cfg.maxLen);
    if (n === 0) return false;
    embed(h, h.count - n, n);
    w.blocks.forEach((b, i) => block(b, n, i === w.blocks.length - 1 ? n - 1 : 0));
    layerNorm(x, (n - 1) * d, d, w.finalG, w.finalB, state, 0);
    return true;
  };
}
