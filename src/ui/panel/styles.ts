// The data panel's styles, in the same shadow root as a shelf (or its own): the shelf's theming
// properties apply (see ../styles.ts), and `--shelfwise-danger` (#b91c1c) colours "Delete
// everything"; `.sw-p` cuts inheritance from the page like the shelf's mount.
export const PANEL_CSS =
  `.sw-p{all:initial}` +
  `.dlg{box-sizing:border-box;width:min(600px,calc(100vw - 24px));max-height:min(88vh,900px);padding:0;overflow:auto;` +
  `color:var(--shelfwise-text,#18181b);background:var(--shelfwise-card-bg,#fff);border:1px solid var(--shelfwise-border,rgba(127,127,127,.22));` +
  `border-radius:var(--shelfwise-radius,12px);font:400 14px/20px var(--shelfwise-font,system-ui,sans-serif);box-shadow:0 12px 40px rgba(0,0,0,.25);` +
  `--ac:var(--shelfwise-accent,#2563eb);--mu:var(--shelfwise-muted,#71717a);--bd:var(--shelfwise-border,rgba(127,127,127,.22));` +
  `--bg:var(--shelfwise-card-bg,#fff);--dg:var(--shelfwise-danger,#b91c1c)}` +
  `.dlg::backdrop{background:rgba(0,0,0,.45)}.dlg :focus-visible{outline:2px solid var(--ac);outline-offset:2px}` +
  `.dh{position:sticky;top:0;display:flex;align-items:center;gap:12px;padding:16px 20px;background:inherit;border-bottom:1px solid var(--bd)}` +
  `.dh h2{margin:0;flex:1;font-size:18px;line-height:24px;font-weight:650}` +
  `.db{padding:4px 20px 20px}.db h3{margin:18px 0 6px;font-size:15px;line-height:20px;font-weight:650}.db p{margin:6px 0}` +
  `.mu{color:var(--mu);font-size:13px}` +
  `.db ul{margin:4px 0;padding:0;list-style:none}.db li{display:flex;gap:10px;padding:3px 0;border-bottom:1px solid var(--bd)}` +
  `.db li .tm{flex:none;width:4.6em;white-space:nowrap;color:var(--mu);font-variant-numeric:tabular-nums}.db li .ty{flex:none;width:8.5em;color:var(--mu)}` +
  `.db li .nm{flex:1;min-width:0;overflow-wrap:anywhere}` +
  `details{border:1px solid var(--bd);border-radius:8px;margin:6px 0;padding:0 10px}summary{cursor:pointer;padding:6px 0;font-weight:500}` +
  `.bt,.x{all:unset;box-sizing:border-box;cursor:pointer;font:inherit}` +
  `.bt{display:inline-block;padding:7px 14px;border-radius:8px;border:1px solid var(--bd);font-weight:500;line-height:20px}` +
  // Filled buttons take the card background as their text colour: it contrasts with the accent in
  // light and dark themes alike.
  `.bt:not(.pri):hover{border-color:var(--ac);color:var(--ac)}.bt.pri:hover{filter:brightness(1.1)}.bt.pri{background:var(--ac);border-color:var(--ac);color:var(--bg)}` +
  `.bt.dng{color:var(--dg);border-color:var(--dg)}.bt.dng.pri{background:var(--dg);color:var(--bg)}` +
  `.x{display:grid;place-items:center;width:32px;height:32px;border-radius:50%;border:1px solid var(--bd)}.x svg{width:16px;height:16px}` +
  `svg{fill:none;stroke:currentColor;stroke-linecap:round;stroke-linejoin:round}` +
  `.acts{display:flex;flex-wrap:wrap;gap:10px;margin-top:18px}.cf{margin-top:12px;padding:12px;border:1px solid var(--dg);border-radius:8px}` +
  `.cf .acts{margin-top:10px}.st{min-height:20px;font-weight:500}`;
