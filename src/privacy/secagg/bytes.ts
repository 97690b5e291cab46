// Byte plumbing shared by the report, the HPKE configuration and the canonical encodings: base64url
// (the configuration travels as JSON), hex (report ids), and a bounds-checked reader so that a short
// or lying input becomes a clear refusal rather than a RangeError. Browser-and-Node APIs only.
import { refuse } from './errors';

/** The bytes of a buffer or of a view, as a view: no copy. */
export const viewOf = (x: ArrayBufferLike | ArrayBufferView): Uint8Array => (ArrayBuffer.isView(x) ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : new Uint8Array(x));

export function toBase64url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return refuse('bad-config', `${what}: not base64url`);
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

const isHex = (text: string, bytes: number) => text.length === bytes * 2 && /^[0-9a-f]*$/.test(text);

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** Lower-case hex only: one spelling per id, so two spellings can never name one report twice. */
export function fromHex(text: string, bytes: number, what: string): Uint8Array {
  if (!isHex(text, bytes)) return refuse('malformed', `${what}: expected ${bytes * 2} lower-case hex digits`);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes WebCrypto accepts (a view of a plain ArrayBuffer, never a shared one). */
export type Bytes = Uint8Array<ArrayBuffer>;

export const utf8 = (text: string): Bytes => new TextEncoder().encode(text);

export function concat(parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const u8 = (n: number) => Uint8Array.of(n);
export const u16 = (n: number) => Uint8Array.of(n >>> 8, n & 0xff);
export const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

/** Reads big-endian fields off the front of `bytes`; every overrun is a 'malformed' refusal. */
export class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.at;
  }

  take(n: number, what: string): Uint8Array {
    if (n > this.left) return refuse('malformed', `report ends inside ${what} (${n} bytes needed, ${this.left} left)`);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(what: string): number {
    return this.take(1, what)[0];
  }

  u16(what: string): number {
    const b = this.take(2, what);
    return (b[0] << 8) | b[1];
  }

  u32(what: string): number {
    const b = this.take(4, what);
    return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }

  /** A u16 length, then that many bytes. */
  vector(what: string): Uint8Array {
    return this.take(this.u16(`${what} length`), what);
  }
}
