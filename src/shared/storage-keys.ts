// Names under which the widget keeps things in the browser. The page (loader), the model worker
// and the end-to-end checks all read and write them, so each is defined here once.

/** The IndexedDB database holding the events and the `state` store. */
export const DB_NAME = 'shelfwise';

/** localStorage: the shopper's consent choice (the choice only, never their data). */
export const CONSENT_KEY = 'shelfwise:consent';

/** sessionStorage: events a page captured but could not write before it was left. */
export const OUTBOX_KEY = 'shelfwise:outbox';

/** `state` store: the device's last federated contribution (round and newest record id). */
export const LAST_CONTRIBUTION_KEY = 'fl:last';

/** `state` store: every round this device took part in (round, time, bytes sent), newest last,
 *  bounded; never what was sent. The shopper's data panel shows it. */
export const CONTRIBUTIONS_KEY = 'fl:rounds';

/** localStorage: the shopper paused personalization ("1"); like the consent key, a choice and no data. */
export const PAUSED_KEY = 'shelfwise:paused';

/** `state` store: the items this device has been offered, counted. */
export const OFFERED_KEY = 'offered';

/** `state` store: the model this device ranks with (its model.json and URL), for the next page. */
export const MODEL_KEY = 'model';

/** `state` store: the fitted personal vector. */
export const PERSONAL_KEY = 'personal';

/** `state` store: a slot's latest scores by item id, which the next page may show at once. */
export function scoresKey(slotKey: string): string {
  return `scores:${slotKey}`;
}
