// "Export": everything the panel shows, and everything else the device holds for this site, as
// one JSON file (schema in README, "Your data"). Built and saved on the device: a blob URL, no request.
import type { DeviceDump, ConsentInfo } from '../controls';
import { CONTRIBUTIONS_KEY, MODEL_KEY, OFFERED_KEY, PERSONAL_KEY } from '../../shared/storage-keys';

const EXPORT_FORMAT = 'shelfwise-export';
const EXPORT_VERSION = 1;

export function exportDocument(dump: DeviceDump | null, consent: ConsentInfo, site: string, now = Date.now()) {
  const state = { ...dump?.state };
  const take = (key: string) => {
    const v = state[key];
    delete state[key];
    return v ?? null;
  };
  const orders = Object.fromEntries(Object.keys(state).filter((k) => k.startsWith('scores:')).map((k) => [k.slice('scores:'.length), take(k)]));
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    site,
    exported_at: new Date(now).toISOString(),
    consent,
    events: dump?.events ?? [],
    dismissed: dump?.dismissed ?? [],
    personal_model: take(PERSONAL_KEY),
    offered: take(OFFERED_KEY) ?? [],
    shelf_orders: orders,
    federated_rounds: take(CONTRIBUTIONS_KEY) ?? [],
    other_state: withoutWeights(state),
  };
}

/** The model pointer's copy of the site's weights, by size: they are the site's model, not the
 *  shopper's data, and would be megabytes of numbers. */
function withoutWeights(state: Record<string, unknown>): Record<string, unknown> {
  const pointer = state[MODEL_KEY] as { weights?: unknown } | undefined;
  if (!(pointer?.weights instanceof ArrayBuffer)) return state;
  return { ...state, [MODEL_KEY]: { ...pointer, weights: { bytes: pointer.weights.byteLength } } };
}

/** JSON text; typed arrays (the personal vector) as arrays of numbers. */
export function toJson(doc: unknown): string {
  return JSON.stringify(doc, (_key, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v), 2) + '\n';
}

/** Saves `text` as a file through a blob URL, from an anchor inside the widget's own root. */
export function saveFile(root: ShadowRoot, name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  root.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
