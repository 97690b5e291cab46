// Capture: what a store's tags push -> item-level events and consent signals. Pure; no side effects at import.
export { eventsFromDataLayer } from './datalayer';
export { eventsFromTrackCommand } from './command';
export { consentFromDataLayer, type ConsentSignal } from './consent';
export { hookDataLayer } from './hook';
