import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { renderShelf, unmountShelf } from './index';
import { reserveSlot } from '../loader/reserve';
import { DWELL_MS } from './use-impressions';
import { $$, cleanup, frame, intersectionsSeen, items, makeHost } from './test-fixtures';

beforeAll(() => page.viewport(1000, 700));
afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

function shelf(n = 8, props: Partial<Parameters<typeof renderShelf>[1]> = {}, hostStyle = 'width:600px') {
  const host = makeHost(hostStyle);
  const root = reserveSlot(host, { count: n });
  renderShelf(root, { slot: 'for-you', title: 'Picked for you', items: items(n), ...props });
  return { host, root, track: $$(host, '.tr')[0] };
}

describe('renderShelf', () => {
  it('renders one card per item into the open shadow root, in order, replacing the skeleton', () => {
    const { host, root } = shelf(8);
    expect(host.shadowRoot).toBe(root);
    expect(root.mode).toBe('open');
    expect($$(host, '.sk')).toHaveLength(0);
    const ids = $$(host, 'a[data-item-id]').map((a) => a.dataset.itemId);
    expect(ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8']);
    expect(host.children).toHaveLength(0); // nothing in the merchant's light DOM
  });

  it('shows image, name, brand and a formatted price per card', () => {
    document.documentElement.lang = 'en-US';
    const { host } = shelf(2);
    const [card] = $$<HTMLAnchorElement>(host, 'a.c');
    const img = card.querySelector('img')!;
    expect(img.getAttribute('loading')).toBe('lazy');
    expect(img.getAttribute('width')).toBe('180');
    expect(img.getAttribute('height')).toBe('180');
    expect(img.alt).toBe('Trail Runner 2 Waterproof Running Shoe');
    expect(card.querySelector('.nm')!.textContent).toBe('Trail Runner 2 Waterproof Running Shoe');
    expect(card.querySelector('.br')!.textContent).toBe('Northpeak');
    expect(card.querySelector('.pr')!.textContent).toBe('$129.99');
    expect(card.href).toBe(new URL('#p1', location.href).href);
  });

  it('follows the APG carousel pattern', () => {
    const { host } = shelf(8);
    const region = $$(host, 'section')[0];
    expect(region.getAttribute('role')).toBe('region');
    expect(region.getAttribute('aria-roledescription')).toBe('carousel');
    expect(region.getAttribute('aria-label')).toBe('Picked for you');
    const slides = $$(host, '[role=group]');
    expect(slides).toHaveLength(8);
    expect(slides.every((s) => s.getAttribute('aria-roledescription') === 'slide')).toBe(true);
    expect(slides.map((s) => s.getAttribute('aria-label'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `${i} of 8`));
    const [prev, next] = $$(host, 'button.b');
    expect(prev.getAttribute('aria-label')).toBe('Previous products');
    expect(next.getAttribute('aria-label')).toBe('Next products');
    expect(prev.getAttribute('aria-controls')).toBe($$(host, '.tr')[0].id);
    // No auto-rotation, and no live region announcing every re-rank.
    expect($$(host, '[aria-live]')).toHaveLength(0);
  });

  it('takes labels for other languages, and names the region without a title', () => {
    const { host } = shelf(3, {
      title: undefined,
      labels: { carousel: 'Für dich', prev: 'Zurück', next: 'Weiter', slide: '{position} von {total}' },
    });
    expect($$(host, 'section')[0].getAttribute('aria-label')).toBe('Für dich');
    expect($$(host, 'h2')).toHaveLength(0);
    expect($$(host, 'button.b').map((b) => b.getAttribute('aria-label'))).toEqual(['Zurück', 'Weiter']);
    expect($$(host, '[role=group]')[2].getAttribute('aria-label')).toBe('3 von 3');
  });

  it('keeps the default for a label the config gets wrong', () => {
    const { host } = shelf(2, { labels: { prev: '', next: {} as never, slide: undefined } });
    expect($$(host, 'button.b').map((b) => b.getAttribute('aria-label'))).toEqual(['Previous products', 'Next products']);
    expect($$(host, '[role=group]')[1].getAttribute('aria-label')).toBe('2 of 2');
  });

  it('updates the buttons when the slot is resized, even if it first rendered empty', async () => {
    const { host, root } = shelf(8, { items: [] });
    renderShelf(root, { slot: 'for-you', items: items(8) });
    await frame();
    const next = $$(host, 'button.b')[1];
    expect(next.getAttribute('aria-disabled')).toBe('false');
    host.style.width = '1600px'; // now all eight fit
    await expect.poll(() => next.getAttribute('aria-disabled')).toBe('true');
  });

  it('moves focus between cards with arrow keys, Home and End', async () => {
    const { host, root } = shelf(8);
    const links = $$(host, 'a.c');
    links[0].focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(root.activeElement).toBe(links[1]);
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    expect(root.activeElement).toBe(links[3]);
    await userEvent.keyboard('{ArrowLeft}');
    expect(root.activeElement).toBe(links[2]);
    await userEvent.keyboard('{End}');
    expect(root.activeElement).toBe(links[7]);
    await userEvent.keyboard('{ArrowRight}'); // stops at the end, no wrap
    expect(root.activeElement).toBe(links[7]);
    await userEvent.keyboard('{Home}');
    expect(root.activeElement).toBe(links[0]);
    await userEvent.keyboard('{ArrowLeft}');
    expect(root.activeElement).toBe(links[0]);
  });

  it('leaves modified arrows (Alt+Left is "back") to the browser', () => {
    const { host, root } = shelf(8);
    const links = $$(host, 'a.c');
    links[2].focus();
    const e = new KeyboardEvent('keydown', { key: 'ArrowLeft', altKey: true, bubbles: true, cancelable: true });
    links[2].dispatchEvent(e);
    expect(e.defaultPrevented).toBe(false);
    expect(root.activeElement).toBe(links[2]);
  });

  it('keeps cards tabbable and brings a focused card into view', async () => {
    const { host, root, track } = shelf(8);
    const links = $$(host, 'a.c');
    expect(links.every((a) => a.tabIndex === 0)).toBe(true);
    links[0].focus();
    await userEvent.keyboard('{End}');
    expect(root.activeElement).toBe(links[7]);
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(track.scrollWidth - track.clientWidth);
  });

  it('pages with prev/next buttons, which are disabled at the ends', async () => {
    const { host, track } = shelf(8);
    const [prev, next] = $$(host, 'button.b');
    await frame(); // the buttons' state settles after the first layout, before paint
    expect(prev.getAttribute('aria-disabled')).toBe('true');
    expect(next.getAttribute('aria-disabled')).toBe('false');
    await userEvent.click(next);
    // 600px fits three whole 180px cards + 12px gaps: a page is 3 × 192px.
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(576);
    await expect.poll(() => prev.getAttribute('aria-disabled')).toBe('false');
    await userEvent.click(next);
    const max = track.scrollWidth - track.clientWidth;
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(max);
    await expect.poll(() => next.getAttribute('aria-disabled')).toBe('true');
    // Playwright will not click an aria-disabled button; a shopper's click is a no-op.
    await userEvent.click(next, { force: true });
    await frame();
    expect(track.scrollLeft).toBe(max);
    await userEvent.click(prev);
    // One page back from the end (932 - 576 = 356), snapped to the nearest card start (2 × 192).
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(384);
    await userEvent.click(prev);
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(0);
    await expect.poll(() => prev.getAttribute('aria-disabled')).toBe('true');
  });

  it('disables both buttons when everything fits', async () => {
    const { host } = shelf(2);
    await frame();
    expect($$(host, 'button.b').map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
  });

  it('reorders by moving the same keyed DOM nodes', () => {
    const { host, root } = shelf(8);
    const before = new Map($$(host, 'a.c').map((a) => [a.dataset.itemId, a]));
    const reversed = items(8).reverse();
    renderShelf(root, { slot: 'for-you', title: 'Picked for you', items: reversed });
    const after = $$(host, 'a.c');
    expect(after.map((a) => a.dataset.itemId)).toEqual(reversed.map((i) => i.item_id));
    for (const a of after) expect(a).toBe(before.get(a.dataset.itemId));
    expect($$(host, '[role=group]')[0].getAttribute('aria-label')).toBe('1 of 8');
    expect(after[0].closest('[role=group]')!.getAttribute('aria-label')).toBe('1 of 8');
  });

  it('shows the new first items after a re-rank, unless the shopper has scrolled', async () => {
    const { root, track } = shelf(8);
    await frame();
    const list = items(8);
    // Scroll snapping alone would follow p1 to its new place and hide the new first card.
    renderShelf(root, { slot: 'for-you', items: [list[7], ...list.slice(0, 7)] });
    await frame();
    expect(track.scrollLeft).toBe(0);
    track.scrollTo({ left: 384, behavior: 'instant' });
    await frame();
    renderShelf(root, { slot: 'for-you', items: list });
    await frame();
    expect(track.scrollLeft).toBeGreaterThan(0);
  });

  it('mirrors keys and paging in right-to-left pages', async () => {
    const host = makeHost('width:600px');
    host.dir = 'rtl';
    const root = reserveSlot(host, { count: 8 });
    renderShelf(root, { slot: 'for-you', items: items(8) });
    const track = $$(host, '.tr')[0];
    const links = $$(host, 'a.c');
    links[0].focus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(root.activeElement).toBe(links[1]);
    await userEvent.keyboard('{ArrowRight}');
    expect(root.activeElement).toBe(links[0]);
    await frame();
    const [prev, next] = $$(host, 'button.b');
    expect(prev.getAttribute('aria-disabled')).toBe('true');
    await userEvent.click(next);
    await expect.poll(() => track.scrollLeft, { timeout: 2000 }).toBe(-576);
    await expect.poll(() => prev.getAttribute('aria-disabled')).toBe('false');
  });

  it('calls onSelect with the item and position before navigating, without preventing it', async () => {
    const seen: [string, number, string][] = [];
    const list = items(8);
    location.hash = '';
    const { host } = shelf(8, { items: list, onSelect: (item, i) => seen.push([item.item_id, i, location.hash]) });
    const card = $$(host, 'a.c')[2];
    await userEvent.click(card);
    expect(seen).toEqual([['p3', 2, '']]); // navigation had not happened yet
    expect(location.hash).toBe('#p3'); // and then it did
    location.hash = '';
  });

  it('reports the caller’s own item object and current position after a reorder', async () => {
    const list = items(4);
    const onSelect = vi.fn();
    const { host, root } = shelf(4, { items: list, onSelect });
    const reordered = [list[3], list[0], list[1], list[2]];
    renderShelf(root, { slot: 'for-you', items: reordered, onSelect });
    await userEvent.click($$(host, 'a.c')[0]);
    expect(onSelect).toHaveBeenCalledWith(list[3], 0);
    expect(onSelect.mock.calls[0][0]).toBe(list[3]);
    location.hash = '';
  });

  it('survives callbacks that throw', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    const boom = () => {
      throw new Error('merchant bug');
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { host, root } = shelf(8, { onSelect: boom, onImpression: boom }, 'width:600px');
    await intersectionsSeen();
    vi.advanceTimersByTime(DWELL_MS); // cards 1–3 are counted: each report throws
    vi.useRealTimers();
    expect(warn).toHaveBeenCalledTimes(3);
    await userEvent.click($$(host, 'a.c')[0]);
    expect(warn).toHaveBeenCalledTimes(4);
    renderShelf(root, { slot: 'for-you', items: items(5), onSelect: boom, onImpression: boom });
    expect($$(host, 'a.c')).toHaveLength(5);
    expect(errors).toEqual([]);
    expect(warn).toHaveBeenCalledWith('[shelfwise]', expect.objectContaining({ message: 'merchant bug' }));
    window.removeEventListener('error', onError);
    warn.mockRestore();
    location.hash = '';
  });

  it('renders bad item data gracefully and drops what it cannot key', async () => {
    const bad = [
      { item_id: 'ok', item_name: 'Fine', price: 10, currency: 'EUR', image: 'data:image/png;base64,AAAA', url: '/x' },
      { item_id: 'noname', image: undefined, url: 'javascript:alert(1)' },
      { item_id: 42, item_name: { evil: true }, item_brand: 7, price: 'NaN', url: 'https://shop.example/p/42' },
      { item_id: 'ok', item_name: 'Duplicate' },
      { item_name: 'No id' },
      null,
      'junk',
      { item_id: 'cur', item_name: 'Odd currency', price: '12.5', currency: 'NOPE' },
    ];
    const host = makeHost('width:900px');
    const root = reserveSlot(host, { count: 4 });
    renderShelf(root, { slot: 's', items: bad as never });
    const cards = $$<HTMLAnchorElement>(host, 'a.c');
    expect(cards.map((a) => a.dataset.itemId)).toEqual(['ok', 'noname', '42', 'cur']);
    // A broken image turns into the neutral placeholder, which still names the product.
    await expect.poll(() => cards[0].querySelector('svg.ph')?.getAttribute('aria-label')).toBe('Fine');
    expect(cards[0].querySelector('img')).toBeNull();
    expect(cards[1].querySelector('svg.ph')!.getAttribute('aria-label')).toBe('Product');
    expect(cards[1].hasAttribute('href')).toBe(false); // javascript: is never clickable
    expect(cards[1].querySelector('.pr')).toBeNull(); // no price, no price line
    expect(cards[2].querySelector('.nm')!.textContent).toBe('');
    expect(cards[2].querySelector('.br')!.textContent).toBe('7');
    expect(cards[2].querySelector('.pr')).toBeNull();
    expect(cards[2].href).toBe('https://shop.example/p/42');
    expect(cards[3].querySelector('.pr')!.textContent).toMatch(/^12[.,]50$/);
  });

  it('contains an error thrown while rendering: the shelf shows nothing, the page sees nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    const evil = {
      item_id: 'evil',
      get item_name(): string {
        throw new Error('getter bomb');
      },
    };
    const { host, root } = shelf(2);
    expect(() => renderShelf(root, { slot: 's', items: [evil, ...items(2)] })).not.toThrow();
    await frame();
    expect($$(host, 'a.c')).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith('[shelfwise]', expect.objectContaining({ message: 'getter bomb' }));

    // The same in a re-render Preact schedules by itself (a failed image), outside renderShelf.
    let reads = 0;
    const late = {
      item_id: 'late',
      image: 'data:image/png;base64,AAAA',
      get item_name(): string {
        if (++reads > 1) throw new Error('late bomb');
        return 'Fine at first';
      },
    };
    const { host: host2 } = shelf(1, { items: [late] });
    expect($$(host2, 'a.c')).toHaveLength(1);
    await expect.poll(() => reads).toBeGreaterThan(1);
    await frame();
    expect($$(host2, 'a.c')).toHaveLength(0);
    expect(errors).toEqual([]);
    expect(warn).toHaveBeenCalledWith('[shelfwise]', expect.objectContaining({ message: 'late bomb' }));
    window.removeEventListener('error', onError);
    warn.mockRestore();
  });

  it('collapses to nothing when no item is left, and unmounts cleanly', () => {
    const { host, root } = shelf(3);
    renderShelf(root, { slot: 'for-you', items: [] });
    expect(host.getBoundingClientRect().height).toBe(0);
    renderShelf(root, { slot: 'for-you', items: items(3) });
    expect($$(host, 'a.c')).toHaveLength(3);
    unmountShelf(root);
    expect($$(host, 'a.c')).toHaveLength(0);
    expect(host.getBoundingClientRect().height).toBe(0);
  });

  it('never throws into the page, even given a broken root', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => renderShelf(null as never, { slot: 's', items: items(2) })).not.toThrow();
    expect(() => unmountShelf(null as never)).not.toThrow();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
