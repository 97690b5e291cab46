// Capture: what a store's tags push -> item-level events and consent signals. Pure; no side effects at import.
export { eventsFromDataLayer } from './datalayer';
export { eventsFromTrackCommand } from './command';
export { consentFromDataLayer, type ConsentSignal } from './consent';
export { hookDataLayer } from './hook';
export { MAX_ITEMS_PER_EVENT, type Clock } from './events';
export { MAX_TEXT } from './item';
export { isGa4EventName, type Ga4EventName } from './names';
