// The page's slots: each `[data-shelfwise-slot]` element is run once, however often the page
// asks to render, and its outcome is kept for `shelfwise.debug()`.
import type { SlotHandle, SlotStatus } from './slot';

export interface SlotsDeps {
  /** The slot elements on the page now. */
  elements(): Iterable<HTMLElement>;
  run(el: HTMLElement): SlotHandle;
  /** Called when every slot a scan started has been shown (or has failed): what the page does
   *  after its shelves (a learning worker on two cores included) must not slow the last of them. */
  settled(): void;
  warn(error: unknown): void;
}

interface Slots {
  /** Runs the slots not seen before. */
  scan(): void;
  /** Settled slots, in the order they settled (a copy). */
  statuses(): SlotStatus[];
  /** Shows every slot in the server's order again (consent withdrawn). */
  unpersonalize(): Promise<unknown>;
}

export function createSlots(deps: SlotsDeps): Slots {
  const seen = new WeakSet<HTMLElement>();
  const handles: SlotHandle[] = [];
  const statuses: SlotStatus[] = [];
  return {
    scan() {
      const started: Promise<void>[] = [];
      for (const el of deps.elements()) {
        if (seen.has(el)) continue;
        seen.add(el);
        const handle = deps.run(el);
        handles.push(handle);
        started.push(handle.done.then((s) => void statuses.push(s), deps.warn));
      }
      if (started.length) void Promise.all(started).then(() => deps.settled());
    },
    statuses: () => statuses.slice(),
    unpersonalize: () => Promise.all(handles.map((h) => h.unpersonalize())),
  };
}
