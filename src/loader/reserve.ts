// Runs in the script-tag loader before Preact is downloaded, so it must stay tiny and
// import nothing. It owns the shelf's geometry: skeleton and shelf both sit in a `.sw`
// box whose height the base styles fix in px, never content, so swapping one for the other
// cannot shift the page (CLS 0), whatever the theme or the data.
//
// clearSlot collapses the slot to nothing rather than keeping the reserved height: an
// empty box would be a permanent hole in the merchant's page, while a collapse is one
// shift that the loader avoids entirely by deciding (consent, no items) before the
// first paint whenever it can.

/** Title row; the prev/next buttons (36px) sit in it. */
export const HEADER_HEIGHT = 40;
/** Space between the title row and the cards. */
export const HEADER_GAP = 12;
/** Room above and below the cards for focus rings, inside the scroller. */
export const TRACK_PADDING = 6;
/** Image box height; fixed so a themed card width cannot change the height. */
export const IMAGE_HEIGHT = 180;
/** Brand, two lines of name and the price, with padding. */
const CARD_BODY_HEIGHT = 104;
export const CARD_HEIGHT = IMAGE_HEIGHT + CARD_BODY_HEIGHT;
/** The whole slot's height in px, skeleton and shelf alike. */
export const SHELF_HEIGHT = HEADER_HEIGHT + HEADER_GAP + 2 * TRACK_PADDING + CARD_HEIGHT;
/** Default card width in px (`--shelfwise-card-width` overrides it). */
export const CARD_WIDTH = 180;
/** Default gap between cards in px (`--shelfwise-gap` overrides it). */
export const GAP = 12;
/** Class of the element Preact renders into; the skeleton lives there until then. */
export const MOUNT_CLASS = 'sw-m';
/** Dispatched on the mount so the Preact side (not imported here) can unmount itself. */
export const CLEAR_EVENT = 'shelfwise-clear';

const MAX_SKELETON_CARDS = 20;

// Only what the skeleton needs; the shelf's own geometry is in styles.ts. `.sw` fixes the
// height for both. `.sw-m { all: initial }` cuts inheritance from the host, so even
// `* { … !important }` on the merchant's page (which does reach the host element) cannot
// get inside. Custom properties are untouched by `all`, which is what makes theming work.
// A function rather than a constant so that a bundle which only renders can drop it.
const baseCss = () =>
  `:host,.${MOUNT_CLASS}{all:initial;display:block}:host{background:var(--shelfwise-bg,none)}:host([hidden]){display:none}` +
  `.sw{box-sizing:border-box;height:${SHELF_HEIGHT}px;overflow:hidden}` +
  `.sk{position:relative;display:flex;gap:var(--shelfwise-gap,${GAP}px);padding:${HEADER_HEIGHT + HEADER_GAP + TRACK_PADDING}px 4px ${TRACK_PADDING}px}` +
  `.sk i,.sk:before{flex:none;width:var(--shelfwise-card-width,${CARD_WIDTH}px);border-radius:var(--shelfwise-radius,12px);background:rgba(127,127,127,.14)}` +
  `.sk:before{content:"";position:absolute;left:4px;top:10px;height:20px}` +
  `@media (prefers-reduced-motion:no-preference){.sk i{animation:sw-p 1.5s infinite alternate}}@keyframes sw-p{to{opacity:.5}}`;

const sheets = new Map<string, CSSStyleSheet>();

/** Adds `css` to the root once: adopted sheets (CSP-safe), else a <style> before the mount. */
export function addStyles(root: ShadowRoot, css: string): void {
  if (root.adoptedStyleSheets) {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheets.set(css, sheet);
      sheet.replaceSync(css);
    }
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else if (![...root.querySelectorAll('style')].some((s) => s.textContent === css)) {
    const style = el('style', '');
    style.textContent = css;
    root.insertBefore(style, root.querySelector('.' + MOUNT_CLASS));
  }
}

/** The element Preact renders into, created on first use. */
export function mountOf(root: ShadowRoot): HTMLElement {
  return root.querySelector<HTMLElement>('.' + MOUNT_CLASS) ?? root.appendChild(el('div', MOUNT_CLASS));
}

/**
 * Attaches (or reuses) the host's open shadow root and fills it with a skeleton exactly as
 * tall as the shelf. A root that already shows a shelf or skeleton is left as it is.
 */
export function reserveSlot(host: HTMLElement, opts: { count: number }): ShadowRoot {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  addStyles(root, baseCss());
  const mount = mountOf(root);
  if (!mount.firstChild) {
    const box = mount.appendChild(el('div', 'sw sk'));
    box.setAttribute('aria-hidden', 'true');
    const n = Math.min(Math.max(Math.floor(opts.count) || 1, 1), MAX_SKELETON_CARDS);
    for (let i = 0; i < n; i++) box.appendChild(el('i', ''));
  }
  return root;
}

/** Unmounts whatever the slot shows and collapses it to zero height (see the note at the top). */
export function clearSlot(host: HTMLElement): void {
  const mount = host.shadowRoot?.querySelector('.' + MOUNT_CLASS);
  mount?.dispatchEvent(new Event(CLEAR_EVENT));
  mount?.remove();
}

// DOM calls rather than innerHTML: pages enforcing Trusted Types reject string HTML.
function el(tag: string, className: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}
