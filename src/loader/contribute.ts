// Once a page has shown its shelves, a device with a running model may take part in the open
// federated round (the worker decides whether it is eligible). Asked at most once per page, when
// the page is idle, and never starting a worker for it.
import type { WorkerClient } from './worker-client';

export interface ContributeDeps {
  /** The site runs federated rounds. */
  enabled: boolean;
  /** The worker if one is running. */
  running(): Pick<WorkerClient, 'call'> | null;
  granted(): boolean;
  idle(fn: () => void): void;
  warn(error: unknown): void;
}

/** A trigger to call after each shelf is shown. */
export function contributeOnce(deps: ContributeDeps): () => void {
  let asked = false;
  return () => {
    if (asked || !deps.enabled || !deps.running()) return;
    asked = true;
    deps.idle(() => void (deps.granted() && deps.running()?.call('contribute').catch(deps.warn)));
  };
}
