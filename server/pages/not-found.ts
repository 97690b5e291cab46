// 404 page for unknown products, categories and paths.
import { escapeHtml } from '../html';
import type { PageContext } from '../page-context';
import type { Page } from './layout';

export function notFoundPage(ctx: PageContext, what = 'page'): Page {
  return {
    title: 'Not found',
    status: 404,
    content: `<section class="not-found">
      <h1>We couldn't find that ${escapeHtml(what)}</h1>
      <p>It may have sold out or moved. <a href="${escapeHtml(ctx.href('/'))}">Back to the shop</a></p>
    </section>`,
  };
}
