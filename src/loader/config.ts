// The merchant's configuration, read from the script tag's data-* attributes.
import type { BackendName } from '../shared/types';

export type ConsentMode = 'opt-in' | 'opt-out';

export interface LoaderConfig {
  site: string;
  /** Candidate endpoint (GET ?slot=&limit=[&context_item=]); slots may carry inline candidates instead. */
  candidates: string | null;
  /** Federated-learning base URL; null disables it. */
  sync: string | null;
  consentMode: ConsentMode;
  /** The directory the script was served from: chunks, the worker and the model live beside it. */
  base: string;
  modelUrl: string;
  backends: BackendName[];
  /** Learning may run on a GPU emulated in software: only when the site names its backends itself. */
  softwareGpu: boolean;
  /** How long a slot with history waits for the on-device ranking before showing what it has. */
  rankBudgetMs: number;
  /** Candidates fetched per slot, re-ranked, then cut to the slot's count. */
  candidateLimit: number;
}

const BACKENDS: BackendName[] = ['webgpu', 'webgl', 'cpu'];

function int(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function readConfig(data: DOMStringMap, scriptSrc: string, pageUrl: string): LoaderConfig {
  const base = new URL('.', new URL(scriptSrc || pageUrl, pageUrl)).href;
  const abs = (v: string | undefined) => (v ? new URL(v, pageUrl).href : null);
  const backends = (data.backends ?? '').split(',').map((s) => s.trim()).filter((s): s is BackendName => BACKENDS.includes(s as BackendName));
  return {
    site: data.site ?? '',
    candidates: abs(data.candidates),
    sync: abs(data.sync),
    consentMode: data.consent === 'opt-in' ? 'opt-in' : 'opt-out',
    base,
    modelUrl: new URL(data.model ?? 'model/model.json', base).href,
    backends: backends.length ? backends : BACKENDS,
    softwareGpu: backends.length > 0,
    rankBudgetMs: int(data.rankBudget, 1500, 0, 60000),
    candidateLimit: int(data.candidateLimit, 50, 1, 100),
  };
}
