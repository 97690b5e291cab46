/** gtag pushes its `arguments` object, which is array-like but not an Array; tags also push real arrays.
 *  Returns a real array either way, or null for anything else. */
export function argsList(entry: unknown): unknown[] | null {
  if (Array.isArray(entry)) return entry;
  if (Object.prototype.toString.call(entry) === '[object Arguments]') return Array.from(entry as ArrayLike<unknown>);
  return null;
}
