// Items dismissed on this page. Every shelf of a page renders from one copy of the UI chunk, so a
// dismissal in one shelf takes the item out of all of them at once; later pages leave dismissed
// items out before ranking (the store keeps them).
import { useEffect, useMemo, useState } from 'preact/hooks';

const gone = new Set<string>();
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

export function dismiss(itemId: string): void {
  gone.add(itemId);
  changed();
}

/** Everything was deleted: dismissed items may show again. */
export function forgetDismissals(): void {
  gone.clear();
  changed();
}

/** The ids dismissed so far (a new set after each change), re-rendering the caller on every change. */
export function useDismissed(): ReadonlySet<string> {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    listeners.add(bump);
    return () => void listeners.delete(bump);
  }, []);
  return useMemo(() => new Set(gone), [version]);
}
