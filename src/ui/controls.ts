// What the shopper's controls ("Not interested", the "Your data" panel) need from the rest of the
// widget. The loader provides it, once per page, to every shelf and to the panel: the UI never
// imports the store or the consent logic, it is handed what it may use.
import type { ConsentState, DismissedItem, StoredEvent } from '../shared/types';
import type { LabelsCommand } from './messages';

/** Where the consent state came from: the site's default (data-consent), the browser's Global
 *  Privacy Control, the site's Consent Mode banner, or the shopper's own choice (remembered). */
export type ConsentSource = 'site' | 'gpc' | 'consent-mode' | 'choice';

export interface ConsentInfo {
  state: ConsentState;
  source: ConsentSource;
  /** The shopper paused personalization (in the panel); the data is kept. */
  paused: boolean;
}

/** Everything the device's database holds (the store's dump). */
export interface DeviceDump {
  events: StoredEvent[];
  dismissed: DismissedItem[];
  state: Record<string, unknown>;
}

/** The part of the store the controls use. */
export interface DeviceStore {
  add(events: readonly StoredEvent[]): Promise<unknown>;
  dump(): Promise<DeviceDump>;
}

export interface Controls {
  consent(): ConsentInfo;
  /** The store. Only called while consent is granted: opening it creates the database. */
  store(): Promise<DeviceStore>;
  /** Pauses (true) or resumes personalization, remembered on this device; shelves shown now go
   *  back to the server's order on pause. Resuming after the shopper's own denial (Delete
   *  everything) grants again. */
  pause(paused: boolean): void;
  /** Deletes everything the device holds: a denial (remembered), so the shelves go back to the
   *  server's order and nothing more is recorded until the shopper resumes. */
  erase(): Promise<void>;
  /** The script tag's data-lang, which wins over <html lang>. */
  lang?: string;
  /** The merchant's `['labels', …]` commands, in order. */
  labels?: readonly LabelsCommand[];
}
