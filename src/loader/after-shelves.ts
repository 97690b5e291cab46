// Once a page has shown its shelves and is idle, the ranking chunk (if this page loaded it) looks
// for a newer model and learns if there is something to learn. Asked at most once per page, and
// never loading the chunk for it.
import type { Page } from '../rank-on-page';

export interface AfterShelvesDeps {
  /** The page's ranking, if it has been loaded. */
  loaded(): Promise<Pick<Page, 'afterShelves'>> | null;
  granted(): boolean;
  idle(fn: () => void): void;
  warn(error: unknown): void;
}

/** A trigger to call once the page's shelves are shown. */
export function afterShelvesOnce(deps: AfterShelvesDeps): () => void {
  let asked = false;
  return () => {
    if (asked || !deps.loaded()) return;
    asked = true;
    deps.idle(() => {
      if (deps.granted()) deps.loaded()?.then((p) => p.afterShelves()).catch(deps.warn);
    });
  };
}
