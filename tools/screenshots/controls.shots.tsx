// Screenshots of the shopper's controls for the README (`npm run screenshots`): "Why this?" open,
// a card being dismissed, the "Your data" panel, in English and Simplified Chinese and themed.
// Compares no pixels. Files go to .cache/screens/.
import { afterEach, describe, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { renderShelf } from '../../src/ui/index';
import { reserveSlot } from '../../src/loader/reserve';
import { $$, cleanup, frame, items, makeHost, pageCss } from '../../src/ui/test-fixtures';
import type { Controls, DeviceDump } from '../../src/ui/controls';
import type { Explanation, StoredEvent } from '../../src/shared/types';
import { forgetDismissals } from '../../src/ui/dismissals';

const OUT = '../../.cache/screens/'; // relative to this file

afterEach(() => {
  cleanup();
  forgetDismissals();
  document.documentElement.lang = 'en';
});

const DARK =
  '--shelfwise-font:"Georgia",serif;--shelfwise-text:#f5f5f4;--shelfwise-muted:#a8a29e;--shelfwise-bg:#1c1917;' +
  '--shelfwise-card-bg:#292524;--shelfwise-image-bg:#f5f5f4;--shelfwise-border:#44403c;--shelfwise-accent:#f59e0b;' +
  '--shelfwise-radius:4px;--shelfwise-card-width:220px;--shelfwise-gap:20px;--shelfwise-danger:#f87171;padding:16px 20px;';

const T = new Date(2026, 2, 3, 14, 5).getTime();
const HOUR = 3600e3;
const names = ['Aurora Tunnel Tent', 'Trail Runner 2 Waterproof Running Shoe', 'Ultralight Packable Down Jacket', 'Insulated Steel Bottle 750 ml'];
const event = (i: number, type: StoredEvent['type'], ts: number): StoredEvent => ({
  id: i,
  type,
  item_id: `SKU-${1040 + (i % 4)}`,
  name: names[i % 4],
  category: 'Outdoor>Tents',
  brand: 'Aurora',
  ts,
  source: type.startsWith('shelfwise') ? 'widget' : 'datalayer',
});

const DUMP: DeviceDump = {
  events: [
    event(1, 'view_item', T - 26 * HOUR),
    event(2, 'add_to_cart', T - 25 * HOUR),
    event(3, 'view_item', T - 2 * HOUR),
    event(4, 'shelfwise_impression', T - HOUR),
    event(5, 'shelfwise_click', T - HOUR + 60e3),
    event(6, 'view_item', T),
    event(7, 'shelfwise_dismiss', T + 60e3),
  ],
  dismissed: [{ item_id: 'SKU-2001', name: 'Camp Stool', category: 'Outdoor>Furniture', brand: 'Ridge', ts: T + 60e3 }],
  state: {
    personal: { vector: new Float32Array(32), at: T, events: 35 },
    offered: Array.from({ length: 120 }, (_, i) => ({ item_id: `o${i}` })),
    'scores:for-you': {},
    'scores:related@SKU-1041': {},
    'fl:rounds': [{ round: 12, at: T - 24 * HOUR, bytes: 21312 }],
  },
};

function controls(lang?: string): Controls {
  return {
    consent: () => ({ state: 'granted', source: 'site', paused: false }),
    store: async () => ({ add: async () => {}, dump: async () => DUMP }),
    pause: () => {},
    erase: async () => {},
    lang,
  };
}

const explain = async (): Promise<Explanation> => ({
  because: [{ type: 'view_item', item_id: 'SKU-1040', category: 'Outdoor>Tents', brand: 'Aurora', name: 'Aurora Tunnel Tent' }],
  longTerm: false,
  pattern: { kind: 'category', value: 'Outdoor>Tents' },
});
const explainZh = async (): Promise<Explanation> => ({
  because: [{ type: 'view_item', item_id: 'SKU-1040', category: '户外>帐篷', brand: 'Aurora', name: '极光隧道帐篷' }],
  longTerm: false,
  pattern: { kind: 'category', value: '户外>帐篷' },
});

async function shelf(style: string, c: Controls, x = explain) {
  await page.viewport(1000, 520);
  pageCss('body{margin:0;padding:20px;background:#fff}');
  const host = makeHost(style);
  renderShelf(reserveSlot(host, { count: 8 }), { slot: 'for-you', title: c.lang === 'zh' ? '为你推荐' : 'Picked for you', items: items(12), count: 8, explain: x, controls: c });
  await settle(host);
  return host;
}

async function settle(host: HTMLElement) {
  const loading = $$<HTMLImageElement>(host, 'img').filter((img) => !img.complete);
  await Promise.all(loading.map((img) => new Promise((done) => (img.onload = img.onerror = done))));
  await frame();
  await frame();
}

async function why(host: HTMLElement, name: string) {
  await userEvent.click($$(host, 'button.why')[1]);
  await new Promise((r) => setTimeout(r, 50));
  await frame();
  await page.screenshot({ path: OUT + name + '.png', element: host });
}

async function panel(host: HTMLElement, name: string) {
  await page.viewport(760, 1000);
  await userEvent.click($$(host, 'button.yd')[0]);
  await new Promise((r) => setTimeout(r, 100));
  await frame();
  await page.screenshot({ path: OUT + name + '.png' });
}

describe('screenshots of the shopper controls', () => {
  it('why this', async () => why(await shelf('', controls()), 'controls-why'));
  it('why this, themed', async () => why(await shelf(DARK, controls()), 'controls-why-themed'));
  it('why this, zh', async () => {
    document.documentElement.lang = 'zh-CN';
    await why(await shelf('', controls('zh'), explainZh), 'controls-why-zh');
  });
  it('not interested, focused', async () => {
    const host = await shelf('', controls());
    $$(host, 'button.no')[2].focus({ focusVisible: true } as FocusOptions);
    await frame();
    await page.screenshot({ path: OUT + 'controls-not-interested.png', element: host });
  });
  it('your data', async () => panel(await shelf('', controls()), 'controls-panel'));
  it('your data, themed', async () => panel(await shelf(DARK, controls()), 'controls-panel-themed'));
  it('your data, zh', async () => {
    document.documentElement.lang = 'zh-CN';
    await panel(await shelf('', controls('zh'), explainZh), 'controls-panel-zh');
  });
  it('delete, confirming', async () => {
    const host = await shelf('', controls());
    await panel(host, 'controls-panel');
    const dialog = host.shadowRoot!.querySelector('dialog')!;
    await userEvent.click(dialog.querySelector<HTMLElement>('[data-action=delete]')!);
    await frame();
    dialog.scrollTop = dialog.scrollHeight;
    await frame();
    await page.screenshot({ path: OUT + 'controls-delete.png' });
  });
});
