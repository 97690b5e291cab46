/// <reference types="vite/client" />
// Visual check, not an assertion of pixels: writes screenshots for a human to look at.
// Opt-in, so routine runs leave no files behind:
//   VITE_SHELFWISE_SCREENS=1 npx vitest run --project browser src/ui/screens
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { renderShelf } from './index';
import { reserveSlot } from '../loader/reserve';
import { $$, cleanup, items, makeHost, pageCss, wait } from './test-fixtures';

const OUT = '../../.cache/screens/'; // relative to this file
const on = !!import.meta.env.VITE_SHELFWISE_SCREENS;

afterEach(cleanup);

const DARK =
  '--shelfwise-font:"Georgia",serif;--shelfwise-text:#f5f5f4;--shelfwise-muted:#a8a29e;--shelfwise-bg:#1c1917;' +
  '--shelfwise-card-bg:#292524;--shelfwise-image-bg:#f5f5f4;--shelfwise-border:#44403c;--shelfwise-accent:#f59e0b;' +
  '--shelfwise-radius:4px;--shelfwise-card-width:220px;--shelfwise-gap:20px;padding:16px 20px;';

async function shoot(name: string, style: string, width: number, extra = () => {}) {
  await page.viewport(width + 40, 520);
  pageCss('body{margin:0;padding:20px;background:#fff}');
  const host = makeHost(style);
  const list = items(8);
  list[2] = { ...list[2], image: 'data:image/png;base64,AAAA' }; // a broken image → placeholder
  list[3] = { ...list[3], price: undefined };
  renderShelf(reserveSlot(host, { count: 8 }), { slot: 'for-you', title: 'Picked for you', items: list });
  extra();
  await wait(300);
  expect($$(host, 'a.c')).toHaveLength(8);
  await page.screenshot({ path: OUT + name + '.png', element: host });
}

describe.runIf(on)('screenshots', () => {
  it('unthemed', () => shoot('shelf-unthemed', '', 960));
  it('themed', () => shoot('shelf-themed', DARK, 960));
  it('mobile', () => shoot('shelf-mobile', '', 375));
  it('focus and hover', () =>
    shoot('shelf-focus', '', 960, () => {
      const host = document.querySelector<HTMLElement>('[data-shelfwise-slot]')!;
      $$(host, 'a.c')[1].focus({ focusVisible: true } as FocusOptions);
    }));
  it('hover', async () => {
    await shoot('shelf-hover', '', 960);
    await userEvent.hover($$(document.querySelector<HTMLElement>('[data-shelfwise-slot]')!, 'a.c')[2]);
    await wait(500);
    await page.screenshot({ path: OUT + 'shelf-hover.png', element: document.querySelector('[data-shelfwise-slot]')! });
  });
  it('rtl', () => shoot('shelf-rtl', '', 960, () => document.querySelector('[data-shelfwise-slot]')!.setAttribute('dir', 'rtl')));
  it('skeleton', async () => {
    await page.viewport(1000, 520);
    const host = makeHost();
    reserveSlot(host, { count: 8 });
    await page.screenshot({ path: OUT + 'shelf-skeleton.png', element: host });
  });
});
