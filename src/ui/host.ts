// What the loader hands the UI chunk, once per page: its consent (state, source, pause, choice),
// the store, the script tag's language and the merchant's strings. The shopper's controls are
// built from it here, not in the loader, which must stay a few KB: the store is opened only while
// consent is granted (it would create the database otherwise), "Delete everything" is a denial
// (the database goes, the shelves go back to the server's order, localStorage keeps the choice
// alone), and resuming after it grants again.
import type { ConsentState, DismissedItem } from '../shared/types';
import type { ConsentSource, Controls, DeviceStore } from './controls';
import { warn } from './guard';
import type { LabelsCommand } from './messages';

export interface Host {
  consent: {
    state(): ConsentState;
    source(): ConsentSource;
    paused(): boolean;
    pause(paused: boolean): void;
    choose(next: 'granted' | 'denied', from?: ConsentSource): Promise<void>;
  };
  store(): Promise<DeviceStore & { dismissed(): Promise<DismissedItem[]> }>;
  /** The script tag's data-lang. */
  lang?: string;
  /** The merchant's `['labels', …]` commands, in order. */
  labels: LabelsCommand[];
}

const made = new WeakMap<Host, Controls>();

export function controlsOf(host: Host): Controls {
  let controls = made.get(host);
  if (controls) return controls;
  const { consent } = host;
  const granted = () => consent.state() === 'granted';
  controls = {
    consent: () => ({ state: consent.state(), source: consent.source(), paused: consent.paused() }),
    store: () => (granted() ? host.store() : Promise.reject(new Error('personalization is off'))),
    pause(on) {
      consent.pause(on);
      // After the shopper's own "Delete everything"; a denial by GPC or the site's banner is not the panel's to lift.
      if (!on && consent.state() === 'denied' && consent.source() === 'choice') void consent.choose('granted');
    },
    erase() {
      consent.pause(false);
      return consent.choose('denied');
    },
    get lang() {
      return host.lang;
    },
    get labels() {
      return host.labels;
    },
  };
  made.set(host, controls);
  return controls;
}

/** The candidates without those the shopper dismissed (paused or not: a dismissal is an explicit
 *  wish); all of them without consent, when there is no store to ask. Never rejects. */
export async function visible<T extends { item_id: string }>(host: Host, candidates: T[]): Promise<T[]> {
  try {
    if (host.consent.state() === 'granted') {
      const gone = new Set((await (await host.store()).dismissed()).map((d) => d.item_id));
      return candidates.filter((c) => !gone.has(c.item_id));
    }
  } catch (error) {
    warn(error);
  }
  return candidates;
}
