// "Never break the host page": the shelf's styles stay in its shadow root and the page's stay out.
import { expect, test, type Page } from '@playwright/test';
import { blockWidget, slotSelector, slotStatus, unblockWidget } from './support/widget';

// Non-layout properties, where a leak would show. (Sizes and horizontal margins, often `auto`, are
// left out: they follow the host element's box, which the page's own rules may legitimately change.)
const PROPS = ['color', 'background-color', 'font-family', 'font-size', 'font-style', 'font-weight', 'letter-spacing', 'line-height', 'text-transform', 'text-decoration-line', 'border-top-style', 'border-top-width', 'border-top-color', 'padding-top', 'padding-left', 'margin-top', 'outline-style', 'box-sizing', 'display', 'visibility', 'opacity', 'cursor'];

function shelfStyles(page: Page): Promise<Record<string, string>[]> {
  return page.locator(slotSelector('for-you')).evaluate((host, props) => {
    const els = [...host.shadowRoot!.querySelectorAll('*')].filter((e) => !(e instanceof SVGElement && e.localName !== 'svg')).slice(0, 60);
    return els.map((e) => {
      const cs = getComputedStyle(e);
      return Object.fromEntries([['el', e.localName + '.' + e.className], ...props.map((p) => [p, cs.getPropertyValue(p)])]);
    });
  }, PROPS);
}

// Outside the slot: the whole computed style, minus what depends on the page's (changed) height.
const SIZE_DEPENDENT = /^(width|height|inline-size|block-size|min-|max-|inset|top|bottom|left|right|perspective-origin|transform-origin|d$|cx|cy|r$|rx|ry|x$|y$)/;
function pageStyles(page: Page): Promise<Record<string, string>[]> {
  return page.evaluate((sizePattern) => {
    const size = new RegExp(sizePattern);
    const els = [...document.querySelectorAll('body, body *:not([data-shelfwise-slot]):not([data-shelfwise-slot] *)')];
    return els.map((e) => {
      const cs = getComputedStyle(e);
      const out: Record<string, string> = { el: e.localName + '.' + e.className };
      for (let i = 0; i < cs.length; i++) if (!size.test(cs[i]!)) out[cs[i]!] = cs.getPropertyValue(cs[i]!);
      return out;
    });
  }, SIZE_DEPENDENT.source);
}

test('styles leak neither into the shelf nor out of it', async ({ page }) => {
  await blockWidget(page);
  await page.goto('/');
  const alone = await pageStyles(page);
  await unblockWidget(page);

  await page.goto('/');
  await slotStatus(page, 'for-you');
  await expect(page.locator(`${slotSelector('for-you')} [data-item-id]`).first()).toBeVisible();
  // Out: with the widget, every element of the page computes exactly as without it.
  expect(await pageStyles(page)).toEqual(alone);

  // In: hostile page rules, even !important on *, change nothing inside the shadow root.
  // (A constructed sheet: the storefront's CSP blocks an injected <style> without its nonce.)
  const before = await shelfStyles(page);
  expect(before.length).toBeGreaterThan(10);
  await page.evaluate(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
      * { color: rgb(255, 0, 0) !important; background-color: rgb(0, 0, 255) !important; font: italic 900 31px/3 serif !important;
          letter-spacing: 5px !important; text-transform: uppercase !important; text-decoration: underline !important;
          border: 3px dashed rgb(0, 128, 0) !important; padding: 17px !important; margin: 9px !important; box-sizing: content-box !important;
          outline: 4px solid rgb(255, 0, 255) !important; cursor: wait !important; opacity: 0.5 !important; }
      a, span, div, section, button, img, h2 { display: inline !important; visibility: hidden !important; }
      .sw, .c, .sl, .tr, .nm, .pr, .br, .b, [data-item-id], [role="region"] { display: none !important; }`);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  });
  // The rules did apply to the page (the host element included), so the comparison means something.
  expect(await page.locator('h1').first().evaluate((e) => getComputedStyle(e).color)).toBe('rgb(255, 0, 0)');
  expect(await shelfStyles(page)).toEqual(before);
});
