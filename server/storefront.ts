// Mounts the demo store: server-rendered pages, product images and the candidates API.
import type { ServerResponse, IncomingMessage } from 'node:http';
import { candidatesHandler, catalogHandler } from './candidates';
import { findCategory, findItem, type Catalog } from './catalog';
import { contentSecurityPolicy } from './csp';
import { imageHandler } from './images';
import { createPageContext, type PageContext } from './page-context';
import { cartPage } from './pages/cart';
import { categoryPage } from './pages/category';
import { homePage } from './pages/home';
import { inlinePage } from './pages/inline';
import { renderLayout, type Page } from './pages/layout';
import { notFoundPage } from './pages/not-found';
import { productPage } from './pages/product';
import type { RequestContext, Router } from './router';
import { sendBody } from './send';

export interface Storefront {
  /** Answers 404 with the store's HTML page. */
  notFound(req: IncomingMessage, res: ServerResponse, url: URL): void;
}

export function mountStorefront(router: Router, catalog: Catalog, template: string): Storefront {
  const page = (build: (pc: PageContext, ctx: RequestContext) => Page) => (ctx: RequestContext) => {
    const pc = createPageContext(ctx.url, catalog);
    sendPage(ctx.req, ctx.res, template, pc, build(pc, ctx));
  };
  router
    .route('GET', '/', page((pc) => homePage(pc)))
    .route('GET', '/cart', page((pc) => cartPage(pc)))
    .route('GET', '/inline', page((pc) => inlinePage(pc)))
    .route('GET', '/c/*', page((pc, { rest }) => {
      const found = findCategory(catalog, decodeSafely(rest));
      return found ? categoryPage(pc, found.category, found.subcategory) : notFoundPage(pc, 'category');
    }))
    .route('GET', '/p/*', page((pc, { rest }) => {
      const item = findItem(catalog, decodeSafely(rest));
      return item ? productPage(pc, item) : notFoundPage(pc, 'product');
    }))
    .route('GET', '/img/*', imageHandler(catalog))
    .route('GET', '/api/candidates', candidatesHandler(catalog))
    .route('GET', '/api/catalog', catalogHandler(catalog));
  return {
    notFound(req, res, url) {
      const pc = createPageContext(url, catalog);
      sendPage(req, res, template, pc, notFoundPage(pc));
    },
  };
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

function sendPage(req: IncomingMessage, res: ServerResponse, template: string, pc: PageContext, page: Page): void {
  sendBody(req, res, {
    status: page.status ?? 200,
    type: 'text/html; charset=utf-8',
    body: renderLayout(template, pc, page),
    headers: {
      'Content-Security-Policy': contentSecurityPolicy(pc.nonce),
      // Each response has its own nonce: never serve a cached copy.
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'same-origin',
    },
  });
}
