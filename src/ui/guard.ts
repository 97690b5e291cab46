/** Calls a host-supplied callback without letting its errors reach the host page's error handlers. */
export function callSafely<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    fn?.(...args);
  } catch (error) {
    warn(error);
  }
}

export function warn(error: unknown): void {
  try {
    console.warn('[shelfwise]', error);
  } catch {
    // A page that replaced console with something broken still must not see us throw.
  }
}
