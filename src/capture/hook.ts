type Push = (this: unknown, ...items: unknown[]) => unknown;

/** Watches a dataLayer: hands every entry already in it, then every later push, to `onEntry`.
 *
 *  - Our wrapper calls the push that was installed before it (Array.prototype.push or GTM's), with the
 *    caller's `this` and arguments, and returns its result: the page cannot tell we are there.
 *  - GTM (or anyone) may later wrap our wrapper; that chain keeps working. Unhooking restores the old
 *    push when ours is still on top, and otherwise turns ours into a plain pass-through.
 *  - Each object is handled at most once (GTM re-pushes, pages push one const twice); primitives carry
 *    no GA4 meaning and are skipped.
 *  - Nothing from onEntry or onError ever reaches the page's push call. */
export function hookDataLayer(
  dataLayer: unknown[],
  onEntry: (entry: unknown) => void,
  onError?: (error: unknown) => void,
): () => void {
  if (!Array.isArray(dataLayer)) return () => {};
  const seen = new WeakSet<object>();
  let active = true;

  const report = (error: unknown): void => {
    try {
      onError?.(error);
    } catch {
      // A failing error reporter must not break the page either.
    }
  };
  const handle = (entry: unknown): void => {
    if (!active || typeof entry !== 'object' || entry === null || seen.has(entry)) return;
    seen.add(entry);
    try {
      onEntry(entry);
    } catch (error) {
      report(error);
    }
  };

  const own = Object.getOwnPropertyDescriptor(dataLayer, 'push');
  const previous = dataLayer.push as Push;
  const wrapper: Push = function (this: unknown, ...items) {
    try {
      return previous.apply(this, items);
    } finally {
      // The entry is seen even when an earlier push in the chain throws: the page did push it.
      for (const item of items) handle(item);
    }
  };

  for (const entry of dataLayer.slice()) handle(entry);
  try {
    // Non-enumerable, like GTM's own, so `for…in` over the dataLayer is unchanged.
    Object.defineProperty(dataLayer, 'push', { value: wrapper, writable: true, configurable: true, enumerable: false });
  } catch (error) {
    report(error);
  }

  return () => {
    active = false;
    if (dataLayer.push !== (wrapper as unknown)) return;
    try {
      if (own) Object.defineProperty(dataLayer, 'push', own);
      else delete (dataLayer as { push?: unknown }).push;
    } catch {
      // Left in place, the inactive wrapper just forwards.
    }
  };
}
