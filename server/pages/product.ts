// "/p/<id>": product detail with view_item, add-to-cart/wishlist, the "related" shelf (more like
// it) and the cross-sell shelf (what goes with it).
import { findSubcategory, type CatalogItem } from '../catalog';
import { escapeHtml, formatPrice } from '../html';
import type { PageContext } from '../page-context';
import { breadcrumbs } from './cards';
import { ga4Item } from './ga4';
import type { Page } from './layout';
import { productScript } from './scripts';

export function productPage(ctx: PageContext, item: CatalogItem): Page {
  const top = ctx.catalog.categories.find((c) => c.name === item.item_category)!;
  const sub = findSubcategory(ctx.catalog, item.item_category, item.item_category2)!;
  const id = escapeHtml(item.item_id);
  const content = `${breadcrumbs(ctx, [
    { label: top.name, path: `/c/${top.slug}` },
    { label: sub.name, path: `/c/${sub.slug}` },
    { label: item.item_name },
  ])}
    <article class="product" data-item-id="${id}">
      <img class="product-image" src="${escapeHtml(item.image)}" alt="${escapeHtml(item.item_name)}" width="420" height="420">
      <div class="product-info">
        <p class="product-brand">${escapeHtml(item.item_brand)}</p>
        <h1>${escapeHtml(item.item_name)}</h1>
        <p class="product-price">${escapeHtml(formatPrice(item.price, item.currency))}</p>
        <p>${escapeHtml(description(item))}</p>
        <div class="product-actions">
          <button id="add-to-cart" class="btn" type="button">Add to cart</button>
          <button id="add-to-wishlist" class="btn btn-secondary" type="button">Add to wishlist</button>
        </div>
        <p id="product-status" class="product-status" role="status"></p>
        <p class="muted">Item ${id}</p>
      </div>
    </article>
    <section class="shelf">
      <h2>You may also like</h2>
      <div data-shelfwise-slot="related" data-shelfwise-count="6" data-shelfwise-context-item="${id}"></div>
    </section>
    <section class="shelf">
      <h2>Goes well with</h2>
      <div data-shelfwise-slot="cross-sell" data-shelfwise-count="6" data-shelfwise-context-items="${id}"></div>
    </section>`;
  return {
    title: item.item_name,
    content,
    scripts: [productScript(ga4Item(item), item.currency)],
    activeCategory: top.slug,
  };
}

function description(item: CatalogItem): string {
  return `The ${item.item_name} from ${item.item_brand} is one of our favourites in ${item.item_category2.toLowerCase()}: ` +
    'well made, easy to care for, and ready for everyday use. Free returns within 30 days.';
}
