// Writes screenshots of the shelf for a person to look at (`npm run screenshots`); compares no
// pixels. Files go to .cache/screens/.
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { renderShelf } from '../../src/ui/index';
import { reserveSlot } from '../../src/loader/reserve';
import { $$, cleanup, frame, items, makeHost, pageCss } from '../../src/ui/test-fixtures';

const OUT = '../../.cache/screens/'; // relative to this file

afterEach(cleanup);

const DARK =
  '--shelfwise-font:"Georgia",serif;--shelfwise-text:#f5f5f4;--shelfwise-muted:#a8a29e;--shelfwise-bg:#1c1917;' +
  '--shelfwise-card-bg:#292524;--shelfwise-image-bg:#f5f5f4;--shelfwise-border:#44403c;--shelfwise-accent:#f59e0b;' +
  '--shelfwise-radius:4px;--shelfwise-card-width:220px;--shelfwise-gap:20px;padding:16px 20px;';

const slot = () => document.querySelector<HTMLElement>('[data-shelfwise-slot]')!;

/** Resolves once every image in the slot has loaded or failed (a failed one shows its placeholder)
 *  and every finite transition has ended, and the result has been painted. */
async function settled(host: HTMLElement): Promise<void> {
  const loading = $$<HTMLImageElement>(host, 'img').filter((img) => !img.complete);
  await Promise.all(
    loading.map(
      (img) =>
        new Promise((done) => {
          img.addEventListener('load', done, { once: true });
          img.addEventListener('error', done, { once: true });
        }),
    ),
  );
  await frame();
  const finite = host.shadowRoot!.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished));
  await frame();
}

async function shoot(name: string, style: string, width: number, extra = () => {}) {
  await page.viewport(width + 40, 520);
  pageCss('body{margin:0;padding:20px;background:#fff}');
  const host = makeHost(style);
  const list = items(8);
  list[2] = { ...list[2], image: 'data:image/png;base64,AAAA' }; // a broken image → placeholder
  list[3] = { ...list[3], price: undefined };
  renderShelf(reserveSlot(host, { count: 8 }), { slot: 'for-you', title: 'Picked for you', items: list });
  extra();
  await settled(host);
  expect($$(host, 'a.c')).toHaveLength(8);
  await page.screenshot({ path: OUT + name + '.png', element: host });
}

describe('screenshots', () => {
  it('unthemed', () => shoot('shelf-unthemed', '', 960));
  it('themed', () => shoot('shelf-themed', DARK, 960));
  it('mobile', () => shoot('shelf-mobile', '', 375));
  it('focus', () => shoot('shelf-focus', '', 960, () => $$(slot(), 'a.c')[1].focus({ focusVisible: true } as FocusOptions)));
  it('hover', async () => {
    await shoot('shelf-hover', '', 960);
    await userEvent.hover($$(slot(), 'a.c')[2]);
    await settled(slot());
    await page.screenshot({ path: OUT + 'shelf-hover.png', element: slot() });
  });
  it('rtl', () => shoot('shelf-rtl', '', 960, () => slot().setAttribute('dir', 'rtl')));
  it('skeleton', async () => {
    await page.viewport(1000, 520);
    const host = makeHost();
    reserveSlot(host, { count: 8 });
    await page.screenshot({ path: OUT + 'shelf-skeleton.png', element: host });
  });
});
