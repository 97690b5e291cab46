// What went wrong on this page, for `shelfwise.debug()`: the widget never throws into the page,
// so its failures are kept here (the latest few) instead.
const MAX_WARNINGS = 20;

interface Warnings {
  warn(error: unknown): void;
  /** A copy, oldest first. */
  list(): string[];
}

export function createWarnings(max = MAX_WARNINGS): Warnings {
  const kept: string[] = [];
  return {
    warn(error) {
      kept.push(error instanceof Error ? error.message : String(error));
      if (kept.length > max) kept.shift();
    },
    list: () => kept.slice(),
  };
}
