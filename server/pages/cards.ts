// Product cards and grids shared by the home, category and inline pages.
import type { CatalogItem } from '../catalog';
import { escapeHtml, formatPrice } from '../html';
import type { PageContext } from '../page-context';

function productCard(ctx: PageContext, item: CatalogItem): string {
  const id = escapeHtml(item.item_id);
  return `<li class="card">
        <a class="card-link" href="${escapeHtml(ctx.href(item.url))}" data-sf-item="${id}">
          <img class="card-image" src="${escapeHtml(item.image)}" alt="" width="240" height="240" loading="lazy">
          <span class="card-brand">${escapeHtml(item.item_brand)}</span>
          <span class="card-name">${escapeHtml(item.item_name)}</span>
          <span class="card-price">${escapeHtml(formatPrice(item.price, item.currency))}</span>
        </a>
      </li>`;
}

/** A grid whose clicks the list script reports as select_item for list `listId`. */
export function productGrid(ctx: PageContext, listId: string, items: CatalogItem[]): string {
  return `<ul class="product-grid" data-sf-list="${escapeHtml(listId)}">
      ${items.map((item) => productCard(ctx, item)).join('\n      ')}
    </ul>`;
}

export function breadcrumbs(ctx: PageContext, trail: { label: string; path?: string }[]): string {
  const parts = [{ label: 'Home', path: '/' }, ...trail].map(({ label, path }) =>
    path ? `<a href="${escapeHtml(ctx.href(path))}">${escapeHtml(label)}</a>` : `<span aria-current="page">${escapeHtml(label)}</span>`,
  );
  return `<nav class="breadcrumbs" aria-label="Breadcrumb">${parts.join(' <span class="sep">/</span> ')}</nav>`;
}
