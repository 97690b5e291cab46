import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { renderShelf } from './index';
import { reserveSlot, SHELF_HEIGHT } from '../loader/reserve';
import { $$, cleanup, frame, items, makeHost, pageCss } from './test-fixtures';

beforeAll(() => page.viewport(1000, 700));
afterEach(cleanup);

const HOSTILE = `
  * { color: red !important; font-family: Impact, fantasy !important; font-size: 31px !important;
      letter-spacing: 6px !important; text-transform: uppercase !important; line-height: 3 !important;
      font-style: italic !important; text-shadow: 2px 2px lime !important; word-spacing: 9px !important;
      visibility: visible !important; cursor: wait !important; text-align: right !important; }
  a, a:link, a:visited { color: magenta !important; text-decoration: underline wavy !important; border: 5px solid red; }
  img { border: 10px solid red !important; filter: blur(4px) !important; width: 13px !important; }
  button { background: red !important; border-radius: 0 !important; width: 200px !important; }
  div, section, span, h2 { margin: 17px !important; padding: 17px; }
  section, span, h2, a, i { display: inline !important; }
  [data-shelfwise-slot] { font-weight: 900 !important; }
`;

const PROPS = ['color', 'fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'letterSpacing', 'lineHeight', 'textTransform',
  'textShadow', 'wordSpacing', 'textDecorationLine', 'textAlign', 'cursor', 'borderTopWidth', 'marginTop', 'paddingTop',
  'display', 'width', 'height', 'filter', 'backgroundColor', 'borderTopLeftRadius'] as const;

function snapshot(el: Element): Record<string, string> {
  const cs = getComputedStyle(el);
  return Object.fromEntries(PROPS.map((p) => [p, cs[p] as string]));
}

function shelfParts(host: HTMLElement) {
  const q = (s: string) => $$(host, s)[0];
  return { section: q('section'), title: q('h2'), card: q('a.c'), name: q('.nm'), brand: q('.br'), price: q('.pr'), img: q('img'), button: q('button.b'), track: q('.tr') };
}

describe('style isolation', () => {
  it('is untouched by hostile host-page CSS', async () => {
    const host = makeHost('width:800px');
    renderShelf(reserveSlot(host, { count: 8 }), { slot: 's', title: 'For you', items: items(8) });
    await frame();
    const clean = Object.fromEntries(Object.entries(shelfParts(host)).map(([k, el]) => [k, snapshot(el)]));
    expect(clean.name.color).toBe('rgb(24, 24, 27)');
    expect(clean.name.fontSize).toBe('14px');

    pageCss(HOSTILE);
    const hostile = Object.fromEntries(Object.entries(shelfParts(host)).map(([k, el]) => [k, snapshot(el)]));
    expect(hostile).toEqual(clean);
    // The page's rules do reach the host element itself, proving they were live.
    expect(getComputedStyle(host).color).toBe('rgb(255, 0, 0)');
    expect(host.getBoundingClientRect().height).toBe(SHELF_HEIGHT + 2 * 17);
  });

  it('takes the theme from custom properties on the host page', () => {
    pageCss('.theme { --shelfwise-text: rgb(1, 2, 3); --shelfwise-accent: rgb(200, 0, 100); --shelfwise-font: Georgia; --shelfwise-card-width: 240px; }');
    const wrapper = makeHost();
    wrapper.className = 'theme';
    const host = document.createElement('div');
    wrapper.appendChild(host);
    renderShelf(reserveSlot(host, { count: 3 }), { slot: 's', items: items(3) });
    const name = $$(host, '.nm')[0];
    expect(getComputedStyle(name).color).toBe('rgb(1, 2, 3)');
    expect(getComputedStyle(name).fontFamily).toBe('Georgia');
    expect($$(host, '.sl')[0].getBoundingClientRect().width).toBe(240);
    expect(host.getBoundingClientRect().height).toBe(SHELF_HEIGHT);
  });

  it('does not leak styles into the host page', async () => {
    document.body.insertAdjacentHTML(
      'beforeend',
      `<div id="victims"><section class="sw sk"><div class="hd"><h2 class="t">Title</h2></div>
       <div class="tr"><div class="sl"><a class="c" href="#x"><span class="im"><img class="ph" width="50" height="50" alt=""></span>
       <span class="nm">Name</span><span class="br">Brand</span><span class="pr">9</span></a></div></div>
       <button class="b">Next</button><i>skeleton?</i><div class="sw-m">mount?</div></section></div>`,
    );
    const victims = [...document.querySelectorAll('#victims *')];
    const before = victims.map(snapshot);
    const host = makeHost();
    renderShelf(reserveSlot(host, { count: 8 }), { slot: 's', title: 'For you', items: items(8) });
    await frame();
    expect($$(host, 'a.c')).toHaveLength(8);
    expect(victims.map(snapshot)).toEqual(before);
    document.getElementById('victims')!.remove();
  });
});
