// What the page tells the widget: `shelfwise.push([...])` commands and the site's dataLayer, and
// what the widget tells back through `shelfwise.debug()`. Nothing here throws into the page.
import { consentFromDataLayer, eventsFromDataLayer, eventsFromTrackCommand } from '../capture';
import type { ConsentState, StoredEvent } from '../shared/types';
import type { DebugInfo } from '../worker/protocol';
import type { Consent } from './consent';
import type { SlotStatus } from './slot';

export interface DebugReport extends DebugInfo {
  consent: ConsentState;
  slots: SlotStatus[];
  warnings: string[];
}

interface ShelfwiseApi {
  /** Runs each command; a bad one is reported by debug(), never thrown. Returns 0, like an empty queue. */
  push(...commands: unknown[]): number;
  debug(): Promise<DebugReport>;
}

export interface CommandDeps {
  record(events: StoredEvent[]): void;
  consent: Pick<Consent, 'state' | 'choose'>;
  /** Looks for slots added since the last look. */
  render(): void;
  /** The shopper's controls: `['privacy']` opens the "Your data" panel; `['labels', {…}]` or
   *  `['labels', 'fr', {…}]` are a merchant's strings (src/ui/messages.ts). */
  shopper(command: unknown[]): void;
  /** The ranking chunk's report of the model and the learning (it loads the chunk, not the model). */
  modelDebug(): Promise<DebugInfo>;
  slots(): SlotStatus[];
  warnings(): string[];
  warn(error: unknown): void;
}

export function createApi(deps: CommandDeps): ShelfwiseApi {
  const { warn } = deps;
  function command(cmd: unknown): void {
    if (!Array.isArray(cmd)) return warn(`shelfwise.push: expected an array, got ${typeof cmd}`);
    if (cmd[0] === 'track') deps.record(eventsFromTrackCommand(cmd));
    else if (cmd[0] === 'consent' && (cmd[1] === 'granted' || cmd[1] === 'denied')) deps.consent.choose(cmd[1]);
    else if (cmd[0] === 'render') deps.render();
    else if (cmd[0] === 'privacy' || cmd[0] === 'labels') deps.shopper(cmd);
    else warn(`shelfwise.push: unknown command ${JSON.stringify(cmd[0])}`);
  }
  return {
    push(...cmds) {
      cmds.forEach((c) => {
        try {
          command(c);
        } catch (err) {
          warn(err);
        }
      });
      return 0;
    },
    async debug() {
      const granted = deps.consent.state() === 'granted';
      const info = granted
        ? await deps.modelDebug().catch((e: unknown) => {
            warn(e);
            return null;
          })
        : null;
      return {
        backend: 'none',
        modelVersion: null,
        events: 0,
        timings: {},
        contribution: { lastRound: null, outcome: null },
        ...info,
        consent: deps.consent.state(),
        slots: deps.slots(),
        warnings: deps.warnings(),
      };
    },
  };
}

/** Handles one dataLayer entry: a Consent Mode command, or events to record. */
export function dataLayerHandler(deps: Pick<CommandDeps, 'record'> & { consent: Pick<Consent, 'signal'> }): (entry: unknown) => void {
  return (entry) => {
    const signal = consentFromDataLayer(entry);
    if (signal) deps.consent.signal(signal);
    else deps.record(eventsFromDataLayer(entry));
  };
}
