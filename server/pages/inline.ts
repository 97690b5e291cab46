// "/inline": a slot whose candidates come inline in a JSON child, not from the endpoint.
import { byPopularity } from '../catalog';
import { toCandidate } from '../candidates';
import { escapeHtml, jsonForScript } from '../html';
import type { PageContext } from '../page-context';
import type { Page } from './layout';

const INLINE_CATEGORIES = ['Kitchen', 'Home', 'Outdoor'];
const PER_CATEGORY = 4;

export function inlinePage(ctx: PageContext): Page {
  const ranked = byPopularity(ctx.catalog.items);
  const chosen = INLINE_CATEGORIES.flatMap((c) => ranked.filter((i) => i.item_category === c).slice(0, PER_CATEGORY));
  const top = ranked[0]?.popularity ?? 1;
  const candidates = byPopularity(chosen).map((item) => toCandidate(item, top));
  const content = `<header class="page-header">
      <h1>Inline candidates</h1>
      <p class="muted">This shelf's ${candidates.length} candidates (${escapeHtml(INLINE_CATEGORIES.join(', '))}) are written into the page; the widget re-ranks them without calling the candidates endpoint.</p>
    </header>
    <section class="shelf">
      <h2>Picked for you</h2>
      <div data-shelfwise-slot="inline-demo" data-shelfwise-count="6"><script type="application/json" nonce="${escapeHtml(ctx.nonce)}">${jsonForScript({ items: candidates })}</script></div>
    </section>`;
  return { title: 'Inline candidates', content };
}
