// "/": hero, department tiles, the personalized "for-you" shelf and the popular-products grid.
import { byPopularity } from '../catalog';
import { escapeHtml } from '../html';
import type { PageContext } from '../page-context';
import { productGrid } from './cards';
import { ga4ListItems, type ItemList } from './ga4';
import type { Page } from './layout';
import { productListScript } from './scripts';

const POPULAR: ItemList = { item_list_id: 'popular', item_list_name: 'Popular right now' };
const POPULAR_COUNT = 12;

export function homePage(ctx: PageContext): Page {
  const popular = byPopularity(ctx.catalog.items).slice(0, POPULAR_COUNT);
  const content = `<section class="hero">
      <div class="hero-text">
        <p class="eyebrow">New season</p>
        <h1>Gear up for what is next</h1>
        <p>Fresh picks across eight departments. Your recommendations are computed on this device; your browsing stays with you.</p>
        <a class="btn" href="${escapeHtml(ctx.href('/c/outdoor'))}">Shop outdoor</a>
      </div>
    </section>
    <section class="departments" aria-label="Departments">
      <ul class="category-tiles">
        ${ctx.catalog.categories.map((c) => categoryTile(ctx, c.slug, c.name)).join('\n        ')}
      </ul>
    </section>
    <section class="shelf">
      <h2>Recommended for you</h2>
      <div data-shelfwise-slot="for-you" data-shelfwise-count="8"></div>
    </section>
    <section class="popular">
      <h2>${escapeHtml(POPULAR.item_list_name)}</h2>
      ${productGrid(ctx, POPULAR.item_list_id, popular)}
    </section>`;
  return { title: 'Home', content, scripts: [productListScript(POPULAR, ga4ListItems(popular, POPULAR))] };
}

function categoryTile(ctx: PageContext, slug: string, name: string): string {
  return `<li><a class="category-tile" href="${escapeHtml(ctx.href(`/c/${slug}`))}"><img src="/img/cat-${escapeHtml(slug)}.png" alt="" width="160" height="100"><span>${escapeHtml(name)}</span></a></li>`;
}
