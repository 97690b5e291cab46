import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cdp, page, userEvent } from 'vitest/browser';
import { renderShelf } from './index';
import { prefersReducedMotion, scrollBehavior } from './motion';
import { reserveSlot } from '../loader/reserve';
import { $$, cleanup, frame, items, makeHost } from './test-fixtures';

// Chromium's own media emulation (through the DevTools protocol), so matchMedia and the
// CSS media query really report the shopper's setting; nothing is stubbed.
const emulate = (value: 'reduce' | 'no-preference') =>
  cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-reduced-motion', value }] });

beforeAll(() => page.viewport(1000, 700));
afterEach(async () => {
  cleanup();
  await emulate('no-preference');
});

async function clickNext() {
  const host = makeHost('width:600px');
  renderShelf(reserveSlot(host, { count: 8 }), { slot: 's', items: items(8) });
  await frame();
  const track = $$(host, '.tr')[0];
  await userEvent.click($$(host, 'button.b')[1]);
  return { scrolledAtOnce: track.scrollLeft, track };
}

describe('motion', () => {
  it('scrolls smoothly when the shopper has no motion preference', async () => {
    await emulate('no-preference');
    expect(matchMedia('(prefers-reduced-motion: reduce)').matches).toBe(false);
    expect(scrollBehavior()).toBe('smooth');
    const { scrolledAtOnce, track } = await clickNext();
    expect(scrolledAtOnce).toBeLessThan(576); // still on its way
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(576);
  });

  it('jumps without animation under prefers-reduced-motion: reduce', async () => {
    await emulate('reduce');
    expect(matchMedia('(prefers-reduced-motion: reduce)').matches).toBe(true);
    expect(scrollBehavior()).toBe('auto');
    const { scrolledAtOnce } = await clickNext();
    expect(scrolledAtOnce).toBe(576);
  });

  it('stops the skeleton pulse under reduced motion', async () => {
    const host = makeHost();
    reserveSlot(host, { count: 2 });
    const pulse = () => getComputedStyle($$(host, '.sk i')[0]).animationName;
    expect(pulse()).toBe('sw-p');
    await emulate('reduce');
    expect(pulse()).toBe('none');
  });

  it('treats a missing or broken matchMedia as reduced motion', () => {
    expect(prefersReducedMotion(undefined)).toBe(true);
    expect(prefersReducedMotion(() => ({ matches: false }))).toBe(false);
    expect(prefersReducedMotion(() => { throw new Error('x'); })).toBe(true);
  });
});
