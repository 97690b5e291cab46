// "/c/<slug>": a top-level category or a subcategory, its products by popularity.
import { byPopularity, type Category, type Subcategory } from '../catalog';
import { escapeHtml } from '../html';
import type { PageContext } from '../page-context';
import { breadcrumbs, productGrid } from './cards';
import { ga4ListItems } from './ga4';
import type { Page } from './layout';
import { productListScript } from './scripts';

export function categoryPage(ctx: PageContext, category: Category, subcategory?: Subcategory): Page {
  const name = subcategory?.name ?? category.name;
  const slug = subcategory?.slug ?? category.slug;
  const items = byPopularity(
    ctx.catalog.items.filter((i) => i.item_category === category.name && (!subcategory || i.item_category2 === subcategory.name)),
  );
  const list = { item_list_id: slug, item_list_name: name };
  const trail = subcategory
    ? [{ label: category.name, path: `/c/${category.slug}` }, { label: subcategory.name }]
    : [{ label: category.name }];
  const content = `${breadcrumbs(ctx, trail)}
    <header class="page-header">
      <h1>${escapeHtml(name)}</h1>
      <p class="muted">${items.length} products</p>
    </header>
    ${subcategoryChips(ctx, category, subcategory)}
    ${productGrid(ctx, slug, items)}
    <section class="shelf">
      <h2>Picked for you</h2>
      <div data-shelfwise-slot="for-you" data-shelfwise-count="8"></div>
    </section>`;
  return {
    title: name,
    content,
    scripts: [productListScript(list, ga4ListItems(items, list))],
    activeCategory: category.slug,
  };
}

function subcategoryChips(ctx: PageContext, category: Category, current?: Subcategory): string {
  const chips = category.subcategories.map((s) => {
    const active = s.slug === current?.slug ? ' aria-current="page"' : '';
    return `<a class="chip" href="${escapeHtml(ctx.href(`/c/${s.slug}`))}"${active}>${escapeHtml(s.name)}</a>`;
  });
  return `<nav class="chips" aria-label="${escapeHtml(category.name)} subcategories">${chips.join('')}</nav>`;
}
