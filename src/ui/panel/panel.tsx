// "Your data": a modal dialog (WAI-ARIA dialog pattern: labelled, focus kept inside, Escape
// closes, focus goes back where it was) showing what this device holds for the site, with Export,
// Delete everything and Pause / Resume. Everything here is read and done on the device.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EventName, StoredEvent } from '../../shared/types';
import type { ConsentInfo, Controls, DeviceDump } from '../controls';
import { forgetDismissals } from '../dismissals';
import { warn } from '../guard';
import { format } from '../messages';
import type { PanelMessageKey as MessageKey, PanelMessages as Messages } from './messages';
import { describe, type PanelData } from './describe';
import { exportDocument, saveFile, toJson } from './export';

const TYPE: Record<EventName, MessageKey> = {
  view_item: 'typeView',
  select_item: 'typeSelect',
  shelfwise_click: 'typeClick',
  add_to_wishlist: 'typeWishlist',
  add_to_cart: 'typeCart',
  remove_from_cart: 'typeRemove',
  begin_checkout: 'typeCheckout',
  purchase: 'typePurchase',
  view_item_list: 'typeList',
  shelfwise_impression: 'typeImpression',
  shelfwise_dismiss: 'typeDismiss',
};

const SOURCE: Record<ConsentInfo['source'], MessageKey> = {
  site: 'sourceSite',
  gpc: 'sourceGpc',
  'consent-mode': 'sourceConsentMode',
  choice: 'sourceChoice',
};

export interface PanelProps {
  controls: Controls;
  messages: Messages;
  /** For dates and times: the language the messages are in. */
  lang?: string;
  /** The dialog has closed (Escape, the close button). */
  onClosed(): void;
}

export function Panel({ controls, messages: m, lang, onClosed }: PanelProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const [consent, setConsent] = useState<ConsentInfo>(() => controls.consent());
  const [dump, setDump] = useState<DeviceDump | null | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState('');
  const [openDays, setOpenDays] = useState<Set<string> | null>(null);

  const reload = async () => {
    const now = controls.consent();
    setConsent(now);
    // Without consent there is no database, and opening the store would create one.
    setDump(now.state === 'granted' ? await (await controls.store()).dump() : null);
  };
  useEffect(() => {
    reload().catch((error: unknown) => {
      warn(error);
      setDump(null);
    });
  }, []);
  useLayoutEffect(() => {
    const d = dialog.current!;
    if (!d.open) d.showModal();
  }, []);

  const data = describe(dump ?? null);
  const days = openDays ?? new Set(data.days.slice(0, 1).map((d) => d.day));
  const date = (ts: number) => formatDate(ts, lang, { dateStyle: 'medium' });
  const time = (ts: number) => formatDate(ts, lang, { timeStyle: 'short' });
  const size = (bytes: number) => (bytes < 1024 ? format(m.bytes, { count: bytes }) : format(m.kilobytes, { count: (bytes / 1024).toFixed(1) }));

  const close = () => dialog.current?.close();
  // After "Delete everything" (the shopper's own denial), the panel may turn it back on.
  const resumable = consent.state === 'denied' && consent.source === 'choice';
  const togglePause = () => {
    try {
      controls.pause(!consent.paused && !resumable);
      const now = controls.consent();
      setConsent(now);
      setStatus(now.paused ? m.statusPaused : now.state === 'granted' ? m.statusOn : '');
    } catch (error) {
      warn(error);
    }
  };
  const doExport = () => {
    const root = dialog.current!.getRootNode() as ShadowRoot;
    const doc = exportDocument(dump ?? null, controls.consent(), location.origin);
    saveFile(root, `shelfwise-data-${new Date().toISOString().slice(0, 10)}.json`, toJson(doc));
  };
  const doDelete = async () => {
    try {
      await controls.erase();
      forgetDismissals();
      await reload();
      setStatus(m.deleted);
    } catch (error) {
      warn(error);
    }
    setConfirming(false);
    deleteButton.current?.focus();
  };
  const cancelDelete = () => {
    setConfirming(false);
    deleteButton.current?.focus();
  };
  // Tab and Shift+Tab wrap inside the dialog (the page behind is inert while it is open).
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const items = focusables(dialog.current!);
    const root = dialog.current!.getRootNode() as ShadowRoot;
    const at = items.indexOf(root.activeElement as HTMLElement);
    const to = e.shiftKey ? (at <= 0 ? items.length - 1 : -1) : at === items.length - 1 ? 0 : -1;
    if (to < 0 || !items[to]) return;
    e.preventDefault();
    items[to].focus();
  };

  const stateLine = consent.paused && consent.state === 'granted' ? m.statusPaused : consent.state === 'granted' ? m.statusOn : consent.state === 'denied' ? m.statusOff : m.statusPending;
  return (
    <dialog class="dlg" ref={dialog} aria-labelledby="sw-dlg-t" onClose={onClosed} onKeyDown={onKeyDown}>
      <div class="dh">
        <h2 id="sw-dlg-t">{m.panelTitle}</h2>
        <button type="button" class="x" aria-label={m.close} onClick={close}>
          <svg viewBox="0 0 24 24" aria-hidden="true" stroke-width="2">
            <path d="M18 6 6 18M6 6l12 12" />
          </svg>
        </button>
      </div>
      <div class="db">
        <p class="mu">{m.panelIntro}</p>

        <h3>{m.statusHeading}</h3>
        <p data-part="consent">
          {stateLine} ({m[SOURCE[consent.source]]})
        </p>
        {(consent.state === 'granted' || resumable) && (
          <button type="button" class="bt" data-action="pause" onClick={togglePause}>
            {consent.paused || resumable ? m.resume : m.pause}
          </button>
        )}

        <h3>{format(m.activityHeading, { count: data.events })}</h3>
        {dump === undefined ? <p class="mu">{m.whyLoading}</p> : !data.days.length && <p class="mu">{m.nothingStored}</p>}
        {data.days.map((d) => (
          <details
            key={d.day}
            open={days.has(d.day)}
            onToggle={(e) => {
              const next = new Set(days);
              if ((e.currentTarget as HTMLDetailsElement).open) next.add(d.day);
              else next.delete(d.day);
              setOpenDays(next);
            }}
          >
            <summary>
              {date(d.events[0].ts)} ({d.events.length})
            </summary>
            {days.has(d.day) && <EventList events={d.events} m={m} time={time} />}
          </details>
        ))}

        <h3>{format(m.dismissedHeading, { count: data.dismissed.length })}</h3>
        {data.dismissed.length > 0 && (
          <ul data-part="dismissed">
            {data.dismissed.map((x) => (
              <li key={x.item_id}>
                <span class="nm">{x.name || x.item_id}</span>
                <span class="mu">{date(x.ts)}</span>
              </li>
            ))}
          </ul>
        )}

        <h3>{m.modelHeading}</h3>
        <p class="mu">{m.modelAbout}</p>
        <ul data-part="model">
          <li>{vectorLine(data, m, date, size)}</li>
          <li>{format(m.modelOffered, { count: data.offered })}</li>
          <li>{format(m.modelScores, { count: data.orders })}</li>
        </ul>

        <h3>{m.sharedHeading}</h3>
        <p class="mu">{m.sharedAbout}</p>
        {data.rounds.length ? (
          <ul data-part="rounds">
            {data.rounds.map((r) => (
              <li key={r.round}>{format(m.sharedRound, { round: r.round, size: r.bytes === undefined ? '?' : size(r.bytes), date: r.at === undefined ? '?' : date(r.at) })}</li>
            ))}
          </ul>
        ) : (
          <p>{m.sharedNone}</p>
        )}

        <div class="acts">
          <button type="button" class="bt pri" data-action="export" onClick={doExport} disabled={dump === undefined}>
            {m.exportData}
          </button>
          <button type="button" class="bt dng" data-action="delete" ref={deleteButton} aria-expanded={confirming} onClick={() => setConfirming(true)}>
            {m.deleteAll}
          </button>
        </div>
        {confirming && <Confirm m={m} onYes={() => void doDelete()} onNo={cancelDelete} />}
        <p class="st" role="status">
          {status}
        </p>
      </div>
    </dialog>
  );
}

function EventList({ events, m, time }: { events: StoredEvent[]; m: Messages; time(ts: number): string }) {
  return (
    <ul>
      {events.map((e, i) => (
        <li key={e.id ?? i}>
          <span class="tm">{time(e.ts)}</span>
          <span class="ty">{m[TYPE[e.type]] ?? e.type}</span>
          <span class="nm">{e.name || e.item_id}</span>
        </li>
      ))}
    </ul>
  );
}

function Confirm({ m, onYes, onNo }: { m: Messages; onYes(): void; onNo(): void }) {
  const yes = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => yes.current?.focus(), []);
  return (
    <div class="cf" role="group" aria-labelledby="sw-cf-t">
      <p id="sw-cf-t">{m.deleteConfirm}</p>
      <div class="acts">
        <button type="button" class="bt dng pri" data-action="confirm-delete" ref={yes} onClick={onYes}>
          {m.deleteYes}
        </button>
        <button type="button" class="bt" onClick={onNo}>
          {m.cancel}
        </button>
      </div>
    </div>
  );
}

function vectorLine(data: PanelData, m: Messages, date: (ts: number) => string, size: (b: number) => string): string {
  const v = data.vector;
  if (!v) return m.modelNoVector;
  return format(m.modelVector, { count: v.values, size: size(v.bytes), date: v.at === undefined ? '?' : date(v.at), events: v.events ?? '?' });
}

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('button:not([disabled]),summary,a[href],[tabindex="0"]')].filter((el) => el.getClientRects().length > 0);
}

function formatDate(ts: number, lang: string | undefined, opts: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat(lang, opts).format(ts);
  } catch {
    return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
  }
}
