/** The shelf never animates by itself; even the scrolls a shopper asks for are instant under reduced motion. */
export function scrollBehavior(): ScrollBehavior {
  return prefersReducedMotion(globalThis.matchMedia) ? 'auto' : 'smooth';
}

/** Without matchMedia we cannot know, and instant scrolling is the safe side. */
export function prefersReducedMotion(matchMedia?: (query: string) => { matches: boolean }): boolean {
  try {
    return !matchMedia || matchMedia.call(globalThis, '(prefers-reduced-motion: reduce)').matches;
  } catch {
    return true;
  }
}
