// The learning-rate schedule of central training (tools/lib/trainer.ts) and of the federated
// server's optimizer (privacy/server-optimizer.ts): one cosine, so the two decay alike.

/** A cosine from `base` at progress 0 down to `final` × base at progress 1 (clamped to [0, 1]). */
export function cosineDecay(base: number, progress: number, final: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return base * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * p)));
}
