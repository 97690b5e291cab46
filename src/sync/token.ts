// The one-time token an upload carries instead of any identifier: fresh for every upload, never stored.

/** A fresh random token for one upload (hex). */
export function freshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
