import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { renderShelf } from './index';
import { openPanel } from './panel';
import { reserveSlot } from '../loader/reserve';
import { $$, cleanup, items, makeHost } from './test-fixtures';
import type { ConsentInfo, Controls, DeviceDump } from './controls';
import type { Candidate, Explanation, StoredEvent } from '../shared/types';
import { forgetDismissals } from './dismissals';

beforeAll(() => page.viewport(1000, 800));
afterEach(() => {
  cleanup();
  forgetDismissals();
  document.documentElement.lang = 'en';
  for (const el of document.querySelectorAll('[data-shelfwise-panel]')) el.remove();
});

function fakeControls(consent: Partial<ConsentInfo> = {}, dump: DeviceDump = { events: [], dismissed: [], state: {} }) {
  const added: StoredEvent[] = [];
  const info: ConsentInfo = { state: 'granted', source: 'site', paused: false, ...consent };
  const controls: Controls & { added: StoredEvent[]; erased: number } = {
    added,
    erased: 0,
    consent: () => ({ ...info }),
    store: async () => ({
      add: async (events) => void added.push(...events),
      dump: async () => dump,
    }),
    pause: (p) => void (info.paused = p),
    erase: async () => {
      controls.erased++;
      dump = { events: [], dismissed: [], state: {} };
    },
  };
  return controls;
}

function shelf(props: Partial<Parameters<typeof renderShelf>[1]> = {}, list: Candidate[] = items(12), slot = 'for-you') {
  const host = makeHost('width:600px');
  host.dataset.shelfwiseSlot = slot;
  const root = reserveSlot(host, { count: 4 });
  renderShelf(root, { slot, title: 'Picked for you', items: list, count: 4, ...props });
  return { host, root };
}

const ids = (host: HTMLElement) => $$(host, 'a.c').map((a) => a.dataset.itemId);

describe('"Why this?"', () => {
  it('is a button on every card, reached by Tab after the card, that opens the reasons and gives focus back', async () => {
    const explain = vi.fn(async (): Promise<Explanation> => ({
      because: [{ type: 'view_item', item_id: 'h1', category: 'Outdoor>Tents', brand: 'Aurora', name: 'Aurora Tunnel Tent' }],
      longTerm: false,
      pattern: { kind: 'category', value: 'Outdoor>Tents' },
    }));
    const { host, root } = shelf({ explain });
    const why = $$<HTMLButtonElement>(host, 'button.why');
    expect(why).toHaveLength(4);
    expect(why[1].getAttribute('aria-label')).toBe('Why this? Merino Crew Sock, 3-Pack');
    expect(why[1].textContent).toBe('Why this?');
    $$(host, 'a.c')[1].focus();
    await userEvent.keyboard('{Tab}');
    expect(root.activeElement).toBe(why[1]);
    await userEvent.keyboard('{Enter}');
    const pop = $$(host, '.pop')[0];
    expect(why[1].getAttribute('aria-expanded')).toBe('true');
    expect(why[1].getAttribute('aria-controls')).toBe(pop.id);
    expect(root.activeElement).toBe(pop);
    expect(pop.getAttribute('role')).toBe('dialog');
    expect(pop.getAttribute('aria-labelledby')).toBe(pop.querySelector('.pt')!.id);
    await expect.poll(() => [...pop.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Because you viewed Aurora Tunnel Tent', 'You often look at Outdoor > Tents']);
    expect(explain).toHaveBeenCalledWith(items(12)[1]);
    // Inside the card's own box: the shelf's reserved height is untouched.
    const card = $$(host, '.sl')[1].getBoundingClientRect();
    const box = pop.getBoundingClientRect();
    expect([box.top, box.bottom, box.left, box.right]).toEqual([card.top, card.bottom, card.left, card.right]);
    await userEvent.keyboard('{Escape}');
    expect($$(host, '.pop')).toHaveLength(0);
    expect(root.activeElement).toBe(why[1]);
    expect(why[1].getAttribute('aria-expanded')).toBe('false');
  });

  it('says "Popular in this store" for a shelf in the server order, or when explaining fails', async () => {
    const { host } = shelf();
    await userEvent.click($$(host, 'button.why')[0]);
    expect($$(host, '.pop li').map((li) => li.textContent)).toEqual(['Popular in this store']);
    await userEvent.click($$(host, '.pop .x')[0]);
    expect($$(host, '.pop')).toHaveLength(0);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const failing = shelf({ explain: () => Promise.reject(new Error('no model')) }, items(12), 'other');
    await userEvent.click($$(failing.host, 'button.why')[2]);
    await expect.poll(() => $$(failing.host, '.pop li').map((li) => li.textContent)).toEqual(['Popular in this store']);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('one popover at a time; clicking elsewhere closes it', async () => {
    const { host } = shelf();
    await userEvent.click($$(host, 'button.why')[0]);
    await userEvent.click($$(host, 'button.why')[2]);
    expect($$(host, '.pop')).toHaveLength(1);
    expect($$(host, '.sl')[2].querySelector('.pop')).not.toBeNull();
    await userEvent.click(document.body, { position: { x: 5, y: 700 } });
    await expect.poll(() => $$(host, '.pop').length).toBe(0);
  });
});

describe('"Not interested"', () => {
  it('replaces the card in its own place by the next candidate; the other cards do not move; focus stays there', async () => {
    const controls = fakeControls();
    const { host, root } = shelf({ controls });
    expect(ids(host)).toEqual(['p1', 'p2', 'p3', 'p4']);
    const before = $$(host, '.sl').map((s) => s.getBoundingClientRect().left);
    const keep = $$(host, 'a.c').filter((a) => a.dataset.itemId !== 'p2');
    const height = host.getBoundingClientRect().height;
    const no = $$<HTMLButtonElement>(host, 'button.no')[1];
    expect(no.getAttribute('aria-label')).toBe('Not interested in Merino Crew Sock, 3-Pack');
    no.focus();
    await userEvent.keyboard('{Enter}');
    expect(ids(host)).toEqual(['p1', 'p5', 'p3', 'p4']);
    expect($$(host, 'a.c').filter((a) => a.dataset.itemId !== 'p5')).toEqual(keep); // the same nodes
    expect($$(host, '.sl').map((s) => s.getBoundingClientRect().left)).toEqual(before);
    expect(host.getBoundingClientRect().height).toBe(height);
    expect(root.activeElement).toBe($$(host, 'button.no')[1]);
    expect($$(host, '[role=group]')[1].getAttribute('aria-label')).toBe('2 of 4');
    // Kept at once, as the event the model learns from.
    await expect.poll(() => controls.added).toHaveLength(1);
    expect(controls.added[0]).toMatchObject({ type: 'shelfwise_dismiss', item_id: 'p2', name: 'Merino Crew Sock, 3-Pack', brand: 'Woolly', slot: 'for-you', source: 'widget' });
  });

  it('takes the item out of every shelf on the page', async () => {
    const controls = fakeControls();
    const a = shelf({ controls });
    const b = shelf({ controls }, items(12).reverse().slice(8), 'related'); // p4, p3, p2, p1
    expect(ids(b.host)).toEqual(['p4', 'p3', 'p2', 'p1']);
    await userEvent.click($$(a.host, 'button.no')[2]); // p3
    expect(ids(a.host)).toEqual(['p1', 'p2', 'p5', 'p4']);
    expect(ids(b.host)).toEqual(['p4', 'p2', 'p1']); // no candidate left to replace it there
  });

  it('says so when nothing is left, keeping the shelf’s height', async () => {
    const controls = fakeControls();
    const { host, root } = shelf({ controls }, items(2));
    const height = host.getBoundingClientRect().height;
    await userEvent.click($$(host, 'button.no')[1]);
    expect(root.activeElement).toBe($$(host, 'button.no')[0]);
    await userEvent.click($$(host, 'button.no')[0]);
    expect(ids(host)).toEqual([]);
    expect($$(host, '.em')[0].textContent).toBe('Nothing more to show here.');
    expect(root.activeElement).toBe($$(host, '.em')[0]);
    expect(host.getBoundingClientRect().height).toBe(height);
  });

  it('is offered only when the dismissal can be kept (consent granted)', () => {
    expect($$(shelf().host, 'button.no')).toHaveLength(0);
    expect($$(shelf({ controls: fakeControls({ state: 'pending' }) }).host, 'button.no')).toHaveLength(0);
    expect($$(shelf({ controls: fakeControls({ state: 'denied', source: 'gpc' }) }).host, 'button.no')).toHaveLength(0);
    expect($$(shelf({ controls: fakeControls({ paused: true }) }).host, 'button.no')).toHaveLength(4);
  });
});

describe('words and languages', () => {
  it('follows <html lang>, and data-lang and the merchant’s labels win', () => {
    document.documentElement.lang = 'zh-CN';
    const zh = shelf({ controls: fakeControls() });
    expect($$(zh.host, 'button.why')[0].textContent).toBe('为什么推荐？');
    expect($$(zh.host, 'button.yd')[0].textContent).toBe('你的数据');
    expect($$(zh.host, 'section')[0].getAttribute('aria-label')).toBe('Picked for you');
    expect($$(zh.host, 'button.b')[0].getAttribute('aria-label')).toBe('上一组商品');
    const en = shelf({ controls: { ...fakeControls(), lang: 'en' } }, items(12), 'b');
    expect($$(en.host, 'button.why')[0].textContent).toBe('Why this?');
    const merchant = shelf({ controls: { ...fakeControls(), labels: [['labels', { why: '为何推荐' }]] } }, items(12), 'c');
    expect($$(merchant.host, 'button.why')[0].textContent).toBe('为何推荐');
  });
});

describe('"Your data"', () => {
  const t = new Date(2026, 2, 3, 14, 5).getTime();
  const dump: DeviceDump = {
    events: [
      { id: 1, type: 'view_item', item_id: 'SKU-1', name: 'Aurora Tunnel Tent', category: 'Outdoor>Tents', brand: 'Aurora', ts: t, source: 'datalayer' },
      { id: 2, type: 'shelfwise_impression', item_id: 'SKU-2', name: 'Trail Mug', category: 'Outdoor>Kitchen', brand: 'Ridge', ts: t + 60e3, source: 'widget' },
    ],
    dismissed: [{ item_id: 'SKU-3', name: 'Camp Stool', category: '', brand: '', ts: t }],
    state: { personal: { vector: new Float32Array(32), at: t, events: 35 }, 'fl:rounds': [{ round: 7, at: t, bytes: 21312 }] },
  };

  it('opens from the shelf as a labelled modal dialog in the shelf’s shadow root, keeps focus inside and gives it back', async () => {
    const controls = fakeControls({}, dump);
    const { host, root } = shelf({ controls });
    const link = $$<HTMLButtonElement>(host, 'button.yd')[0];
    expect(link.textContent).toBe('Your data');
    await userEvent.click(link);
    const dialog = await expect.poll(() => root.querySelector('dialog')).not.toBeNull().then(() => root.querySelector('dialog')!);
    expect(dialog.open).toBe(true);
    expect(dialog.matches(':modal')).toBe(true);
    expect(root.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Your data in this shop');
    await expect.poll(() => dialog.textContent).toContain('Aurora Tunnel Tent');
    expect(dialog.textContent).toContain('Viewed');
    expect(dialog.textContent).toContain('Shown in a shelf');
    expect(dialog.querySelector('[data-part=dismissed]')!.textContent).toContain('Camp Stool');
    expect(dialog.querySelector('[data-part=model]')!.textContent).toContain('32 numbers (128 bytes)');
    expect(dialog.querySelector('[data-part=rounds]')!.textContent).toContain('Round 7: 20.8 KB sent');
    expect(dialog.querySelector('[data-part=consent]')!.textContent).toBe('On (set by the shop’s default)');
    // Focus starts inside and Tab wraps from the last control to the first.
    expect(dialog.contains(root.activeElement)).toBe(true);
    const buttons = [...dialog.querySelectorAll<HTMLElement>('button,summary')];
    buttons.at(-1)!.focus();
    await userEvent.keyboard('{Tab}');
    expect(root.activeElement).toBe(buttons[0]);
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    expect(root.activeElement).toBe(buttons.at(-1));
    await userEvent.keyboard('{Escape}');
    await expect.poll(() => root.querySelector('dialog')).toBeNull();
    expect(root.activeElement).toBe(link);
  });

  it('exports everything as a JSON file, pauses and resumes, and deletes after a confirmation', async () => {
    const controls = fakeControls({}, dump);
    const { host, root } = shelf({ controls });
    await userEvent.click($$(host, 'button.yd')[0]);
    await expect.poll(() => root.querySelector('dialog')?.textContent).toContain('Aurora Tunnel Tent');
    const dialog = root.querySelector('dialog')!;
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:nothing';
    });
    const names: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    await userEvent.click(dialog.querySelector<HTMLElement>('[data-action=export]')!);
    create.mockRestore();
    click.mockRestore();
    expect(names[0]).toMatch(/^shelfwise-data-\d{4}-\d\d-\d\d\.json$/);
    const doc = JSON.parse(await blobs[0].text());
    expect(doc).toMatchObject({ format: 'shelfwise-export', version: 1, consent: { state: 'granted', source: 'site', paused: false } });
    expect(doc.events.map((e: StoredEvent) => e.item_id)).toEqual(['SKU-1', 'SKU-2']);
    expect(doc.personal_model.vector).toHaveLength(32);

    const pause = dialog.querySelector<HTMLElement>('[data-action=pause]')!;
    expect(pause.textContent).toBe('Pause personalization');
    await userEvent.click(pause);
    expect(controls.consent().paused).toBe(true);
    expect(pause.textContent).toBe('Resume personalization');
    expect(dialog.querySelector('[role=status]')!.textContent).toMatch(/^Paused/);
    await userEvent.click(pause);
    expect(controls.consent().paused).toBe(false);

    await userEvent.click(dialog.querySelector<HTMLElement>('[data-action=delete]')!);
    expect(controls.erased).toBe(0);
    const yes = dialog.querySelector<HTMLElement>('[data-action=confirm-delete]')!;
    expect(root.activeElement).toBe(yes);
    await userEvent.click(yes);
    await expect.poll(() => controls.erased).toBe(1);
    await expect.poll(() => dialog.querySelector('[role=status]')!.textContent).toBe('Everything was deleted. Shelves show the shop’s own order.');
    expect(dialog.textContent).toContain('Nothing is stored.');
    expect(root.activeElement).toBe(dialog.querySelector('[data-action=delete]'));
  });

  it('opened by the page, it lives in a host of its own that goes when it closes; without consent it opens no store', async () => {
    const controls = fakeControls({ state: 'denied', source: 'gpc' });
    const store = vi.spyOn(controls, 'store');
    openPanel(controls);
    const host = document.querySelector<HTMLElement>('[data-shelfwise-panel]')!;
    const dialog = host.shadowRoot!.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    await expect.poll(() => dialog.textContent).toContain('Nothing is stored.');
    expect(dialog.querySelector('[data-part=consent]')!.textContent).toBe('Off (set by Global Privacy Control in your browser)');
    expect(dialog.querySelector('[data-action=pause]')).toBeNull();
    expect(store).not.toHaveBeenCalled();
    await userEvent.click(dialog.querySelector<HTMLElement>('.x')!);
    expect(document.querySelector('[data-shelfwise-panel]')).toBeNull();
  });
});
