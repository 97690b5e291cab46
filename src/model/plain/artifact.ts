// The model artifact: `model.json` (architecture, provenance, TF.js weights manifest) plus one
// binary weights file in TF.js's layout, optionally quantized the way TF.js decodes it
// (value = q * scale + min, per tensor). Pure data code: the worker, the Node tools and the server
// all read and write it without TensorFlow.js.
import { checkConfig, type ModelConfig } from './config';

export const ARTIFACT_FORMAT = 'shelfwise-model';

export type Quantization = 'float32' | 'uint16' | 'uint8';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8' | 'uint16'; min: number; scale: number };
}

export interface ModelJson {
  format: typeof ARTIFACT_FORMAT;
  formatVersion: 1;
  /** Content-derived version label: changes whenever the weights change. */
  version: string;
  config: ModelConfig;
  /** Hex SHA-256 of the weights file, checked before use. */
  weightsSha256: string;
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
  /** Where the weights came from: dataset, options, metrics. Informational. */
  training?: Record<string, unknown>;
}

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
  /** Integers stored as exact codes of this width (quantization min 0, scale 1) whatever the
   *  file's quantization: indices and counts must not be rounded. */
  exact?: 'uint8' | 'uint16';
}

/** A model as the widget runs it: its description and its decoded weights. */
export interface Artifact {
  json: ModelJson;
  weights: NamedArray[];
}

const BYTES: Record<Quantization, number> = { float32: 4, uint16: 2, uint8: 1 };

export function encodeWeights(arrays: readonly NamedArray[], quantization: Quantization = 'float32'): { entries: WeightEntry[]; bin: Uint8Array } {
  const total = arrays.reduce((n, a) => n + a.data.length * BYTES[a.exact ?? quantization], 0);
  const bin = new Uint8Array(total);
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    checkShape(a);
    entries.push(a.exact ? writeExact(a, a.exact, bin, offset) : writeTensor(a, quantization, bin, offset));
    offset += a.data.length * BYTES[a.exact ?? quantization];
  }
  return { entries, bin };
}

function writeExact(a: NamedArray, q: 'uint8' | 'uint16', bin: Uint8Array, offset: number): WeightEntry {
  const max = q === 'uint8' ? 255 : 65535;
  const view = new DataView(bin.buffer, bin.byteOffset + offset);
  a.data.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`weight "${a.name}": ${v} is not an integer in 0..${max}`);
    if (q === 'uint8') view.setUint8(i, v);
    else view.setUint16(i * 2, v, true);
  });
  return { name: a.name, shape: a.shape, dtype: 'float32', quantization: { dtype: q, min: 0, scale: 1 } };
}

/** Codes with min 0 and scale 1 decode to the integers they are: such an array stays exact when
 *  it is written again. */
function exactOf(e: WeightEntry): NamedArray['exact'] {
  return e.quantization && e.quantization.min === 0 && e.quantization.scale === 1 ? e.quantization.dtype : undefined;
}

function writeTensor(a: NamedArray, q: Quantization, bin: Uint8Array, offset: number): WeightEntry {
  const entry: WeightEntry = { name: a.name, shape: a.shape, dtype: 'float32' };
  if (q === 'float32') {
    new Uint8Array(bin.buffer, bin.byteOffset + offset, a.data.length * 4).set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.length * 4));
    return entry;
  }
  const levels = q === 'uint8' ? 255 : 65535;
  let min = Infinity;
  let max = -Infinity;
  for (const v of a.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (!Number.isFinite(min)) min = max = 0;
  const scale = max > min ? (max - min) / levels : 1;
  const view = new DataView(bin.buffer, bin.byteOffset + offset);
  a.data.forEach((v, i) => {
    const code = Math.round((v - min) / scale);
    if (q === 'uint8') view.setUint8(i, code);
    else view.setUint16(i * 2, code, true);
  });
  entry.quantization = { dtype: q, min, scale };
  return entry;
}

/** An entry's values (`size`) and the bytes each takes in the weights file (`width`). */
function layoutOf(e: WeightEntry): { size: number; width: number } {
  return { size: e.shape.reduce((a, b) => a * b, 1), width: e.quantization ? BYTES[e.quantization.dtype] : 4 };
}

/** The bytes a weights file of `entries` holds. */
export function byteLengthOf(entries: readonly WeightEntry[]): number {
  return entries.reduce((n, e) => {
    const { size, width } = layoutOf(e);
    return n + size * width;
  }, 0);
}

export interface Placed {
  entry: WeightEntry;
  size: number;
  /** Where the entry's values start in the file. */
  offset: number;
}

/** Where each entry lies in a weights file of `byteLength` bytes; throws, naming the entry, when the
 *  file is too short for them, or when bytes are left over. */
export function placesIn(entries: readonly WeightEntry[], byteLength: number): Placed[] {
  const out: Placed[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { size, width } = layoutOf(entry);
    if (offset + size * width > byteLength) {
      throw new Error(`model weights: file too short for "${entry.name}" (need ${offset + size * width} bytes, have ${byteLength})`);
    }
    out.push({ entry, size, offset });
    offset += size * width;
  }
  if (offset !== byteLength) throw new Error(`model weights: ${byteLength - offset} unexpected trailing bytes`);
  return out;
}

export function decodeWeights(entries: readonly WeightEntry[], buffer: ArrayBuffer): NamedArray[] {
  return placesIn(entries, buffer.byteLength).map(({ entry: e, size, offset }) => {
    const exact = exactOf(e);
    return { name: e.name, shape: e.shape, data: readTensor(e, buffer, offset, size), ...(exact ? { exact } : {}) };
  });
}

function readTensor(e: WeightEntry, buffer: ArrayBuffer, offset: number, size: number): Float32Array {
  if (!e.quantization) return new Float32Array(buffer.slice(offset, offset + size * 4));
  const { dtype, min, scale } = e.quantization;
  const codes = dtype === 'uint8' ? new Uint8Array(buffer, offset, size) : new Uint16Array(buffer.slice(offset, offset + size * 2));
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = codes[i] * scale + min;
  return data;
}

function checkShape(a: NamedArray): void {
  const size = a.shape.reduce((x, y) => x * y, 1);
  if (size !== a.data.length) throw new Error(`weight "${a.name}": shape ${a.shape} needs ${size} values, has ${a.data.length}`);
}

/** Validates a parsed model.json, with a message that says what is wrong. */
export function checkModelJson(raw: unknown): ModelJson {
  const m = raw as ModelJson;
  if (!m || typeof m !== 'object' || m.format !== ARTIFACT_FORMAT) throw new Error(`model.json: not a ${ARTIFACT_FORMAT} file`);
  if (m.formatVersion !== 1) throw new Error(`model.json: unsupported formatVersion ${m.formatVersion}`);
  checkConfig(m.config);
  if (!Array.isArray(m.weightsManifest) || m.weightsManifest.length !== 1 || m.weightsManifest[0].paths.length !== 1) {
    throw new Error('model.json: expected one weights group with one file');
  }
  if (typeof m.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.weightsSha256)) throw new Error('model.json: missing weightsSha256');
  return m;
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as ArrayBuffer | Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Fetches and verifies a model: the weights must hash to what model.json promises. */
export async function fetchArtifact(url: string | URL, fetcher: typeof fetch = fetch): Promise<Artifact> {
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`model: ${url} answered ${res.status}`);
  const json = checkModelJson(await res.json());
  const binUrl = new URL(json.weightsManifest[0].paths[0], new URL(url, (globalThis as { location?: { href: string } }).location?.href));
  const binRes = await fetcher(binUrl);
  if (!binRes.ok) throw new Error(`model: ${binUrl} answered ${binRes.status}`);
  const buffer = await binRes.arrayBuffer();
  const hash = await sha256Hex(buffer);
  if (hash !== json.weightsSha256) throw new Error(`model: weights hash ${hash.slice(0, 12)}… does not match model.json`);
  return { json, weights: decodeWeights(json.weightsManifest[0].weights, buffer) };
}
