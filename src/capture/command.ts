import type { StoredEvent } from '../shared/types';
import { argsList } from './args';
import { toStoredEvents, type Clock } from './events';

/** `shelfwise.push(['track', 'add_to_cart', { items: [...] }])` -> item-level events (source 'command').
 *  Any other command, or a malformed one, yields []; the loader routes the other commands itself. */
export function eventsFromTrackCommand(command: unknown, now: Clock = Date.now): StoredEvent[] {
  try {
    const args = argsList(command);
    return args && args[0] === 'track' ? toStoredEvents(args[1], args[2], 'command', now) : [];
  } catch {
    return [];
  }
}
