/*
 * Shelf styles, added to the slot's shadow root after the skeleton's base styles (baseCss in
 * src/loader/reserve.ts, which owns the geometry).
 *
 * Theming: set these custom properties on the slot element or any ancestor in the host page;
 * they inherit into the shadow root (nothing else does). None of them can change the height.
 *   --shelfwise-font        font-family                 system-ui, sans-serif
 *   --shelfwise-text        text colour                 #18181b
 *   --shelfwise-muted       brand line colour           #71717a
 *   --shelfwise-bg          slot background (padding    none
 *                           set on the slot is inside it)
 *   --shelfwise-card-bg     card and button background  #fff
 *   --shelfwise-image-bg    behind product images       #f4f4f5
 *   --shelfwise-border      card and button borders     rgba(127,127,127,.22)
 *   --shelfwise-accent      focus ring, hover           #2563eb
 *   --shelfwise-radius      card corner radius          12px
 *   --shelfwise-card-width  card width                  180px
 *   --shelfwise-gap         space between cards         12px
 *   --shelfwise-danger      "Delete everything" (panel) #b91c1c
 * Heights are fixed in px (see reserve.ts) so the reserved space stays exact under any theme.
 */
import { CARD_HEIGHT, CARD_WIDTH, GAP, HEADER_GAP, HEADER_HEIGHT, IMAGE_HEIGHT, TRACK_PADDING } from '../loader/reserve';

export const SHELF_CSS =
  `.sw{display:flex;flex-direction:column;gap:${HEADER_GAP}px;color:var(--shelfwise-text,#18181b);` +
  `font:400 14px/20px var(--shelfwise-font,system-ui,sans-serif);` +
  `--ac:var(--shelfwise-accent,#2563eb);--bd:var(--shelfwise-border,rgba(127,127,127,.22))}` +
  `.hd{display:flex;align-items:center;gap:12px;height:${HEADER_HEIGHT}px;flex:none;padding:0 4px}` +
  `.tr{display:flex;gap:var(--shelfwise-gap,${GAP}px);flex:none;height:${CARD_HEIGHT}px;padding:${TRACK_PADDING}px 4px;` +
  `overflow:auto hidden;scroll-snap-type:x mandatory;scroll-padding:0 4px;scrollbar-width:none}.tr::-webkit-scrollbar{display:none}` +
  `.sl{flex:none;width:var(--shelfwise-card-width,${CARD_WIDTH}px);scroll-snap-align:start}` +
  `.t{all:unset;flex:1;min-width:0;font-size:18px;line-height:24px;font-weight:600;` +
  `white-space:nowrap;overflow:hidden;text-overflow:ellipsis}` +
  `.nav{display:flex;gap:8px;margin-inline-start:auto}` +
  `.b{all:unset;box-sizing:border-box;display:grid;place-items:center;width:36px;height:36px;border-radius:50%;` +
  `border:1px solid var(--bd);background:var(--shelfwise-card-bg,#fff);cursor:pointer}` +
  `svg{fill:none;stroke:currentColor;stroke-linecap:round;stroke-linejoin:round}.b svg{width:18px;height:18px}.b:dir(rtl) svg{scale:-1 1}.b[aria-disabled=true]{opacity:.35;cursor:default}` +
  `.b:not([aria-disabled=true]):hover{border-color:var(--ac);color:var(--ac)}` +
  `.sw :focus-visible{outline:2px solid var(--ac);outline-offset:2px}` +
  `.c{box-sizing:border-box;display:flex;flex-direction:column;height:${CARD_HEIGHT}px;overflow:hidden;` +
  `border-radius:var(--shelfwise-radius,12px);color:inherit;text-decoration:none;background:var(--shelfwise-card-bg,#fff);border:1px solid var(--bd)}` +
  `.c:hover{box-shadow:0 4px 14px rgba(0,0,0,.08)}` +
  `.im{flex:none;display:grid;place-items:center;height:${IMAGE_HEIGHT}px;overflow:hidden;background:var(--shelfwise-image-bg,#f4f4f5)}` +
  `.im img{display:block;width:100%;height:100%;object-fit:contain}` +
  `.ph{width:56px;height:56px;color:var(--shelfwise-muted,#71717a);opacity:.45}` +
  `.bd{display:flex;flex-direction:column;flex:1;min-height:0;padding:10px 12px 12px}` +
  `.br,.nm{overflow:hidden;overflow-wrap:anywhere}` +
  `.br{flex:none;font-size:12px;line-height:16px;letter-spacing:.04em;text-transform:uppercase;` +
  `white-space:nowrap;text-overflow:ellipsis;color:var(--shelfwise-muted,#71717a)}` +
  `.nm{font-weight:500;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2}` +
  `.pr{margin-top:auto;font-size:15px;line-height:22px;font-weight:650}` +
  // The shopper's controls: over the card's picture, and the popover over the whole card, so
  // neither changes the shelf's reserved box.
  `.sl{position:relative}.ctl{position:absolute;top:8px;inset-inline-end:8px;display:flex;gap:6px}` +
  `.why,.no,.x,.yd{all:unset;box-sizing:border-box;cursor:pointer;font:inherit}` +
  `.why,.no{height:28px;border-radius:14px;border:1px solid var(--bd);background:var(--shelfwise-card-bg,#fff);` +
  `box-shadow:0 1px 3px rgba(0,0,0,.12)}.why{padding:0 10px;font-size:12px;line-height:26px;font-weight:500}` +
  `.no,.x{display:grid;place-items:center;width:28px}.no svg,.x svg{width:14px;height:14px}` +
  `.why:hover,.no:hover,.x:hover,.yd:hover{color:var(--ac);border-color:var(--ac)}` +
  `.pop{position:absolute;inset:0;box-sizing:border-box;display:flex;flex-direction:column;gap:8px;padding:14px 14px 12px;` +
  `overflow:auto;border-radius:var(--shelfwise-radius,12px);border:1px solid var(--ac);background:var(--shelfwise-card-bg,#fff);font-size:13px;line-height:18px}` +
  `.pt{font-weight:650;font-size:14px;padding-inline-end:28px}.rs{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:6px}` +
  `.rs li{padding-inline-start:10px;border-inline-start:3px solid var(--ac)}` +
  `.pn{margin:auto 0 0;font-size:12px;line-height:16px;color:var(--shelfwise-muted,#71717a)}.x{position:absolute;top:8px;inset-inline-end:8px;height:28px;border-radius:50%}` +
  `.yd{margin-inline-start:auto;font-size:13px;color:var(--shelfwise-muted,#71717a);text-decoration:underline;text-underline-offset:3px}.yd~.nav{margin-inline-start:0}` +
  `.em{margin:auto;color:var(--shelfwise-muted,#71717a)}` +
  `@media (prefers-reduced-motion:no-preference){.c,.b{transition:.2s}` +
  `.im img{transition:transform .4s}.c:hover .im img{transform:scale(1.04)}}`;
