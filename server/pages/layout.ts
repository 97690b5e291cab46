// Wraps a page's content in the index.html template: widget tag, nav, consent banner, scripts.
import { escapeHtml, fillTemplate } from '../html';
import type { PageContext } from '../page-context';
import { cartCountScript, consentScript } from './scripts';

export interface Page {
  title: string;
  /** Main content HTML. */
  content: string;
  /** Inline script bodies; each is emitted as its own nonce-carrying <script>. */
  scripts?: string[];
  status?: number;
  /** Slug of the top-level category to highlight in the nav. */
  activeCategory?: string;
}

export function renderLayout(template: string, ctx: PageContext, page: Page): string {
  const optIn = ctx.consentMode === 'opt-in';
  const scripts = [cartCountScript(), ...(optIn ? [consentScript()] : []), ...(page.scripts ?? [])];
  return fillTemplate(template, {
    title: escapeHtml(`${page.title} · Shelfwise Store`),
    head: widgetTag(ctx),
    banner: optIn ? CONSENT_BANNER : '',
    bar: headerBar(ctx),
    nav: navLinks(ctx, page.activeCategory),
    content: page.content,
    footer: optIn ? '<button id="sw-consent-settings" class="link-button" type="button">Privacy settings</button>' : '',
    scripts: scripts.map((body) => `<script nonce="${escapeHtml(ctx.nonce)}">${body}</script>`).join('\n  '),
  });
}

/** The merchant's one script tag. The nonce lets the widget tag its own inline styles, if any. */
function widgetTag(ctx: PageContext): string {
  const attributes: Record<string, string> = {
    site: 'demo',
    candidates: '/api/candidates',
    sync: '/api/fl',
    consent: ctx.consentMode,
    ...ctx.widgetOverrides,
  };
  const data = Object.entries(attributes).map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`).join('');
  return `<script async src="/shelfwise.js"${data} nonce="${escapeHtml(ctx.nonce)}"></script>`;
}

function headerBar(ctx: PageContext): string {
  return `<a class="logo" href="${escapeHtml(ctx.href('/'))}"><span class="logo-mark">S</span> Shelfwise Store</a>
      <a class="cart-link" id="cart-link" href="${escapeHtml(ctx.href('/cart'))}">Cart (<span id="cart-count">0</span>)</a>`;
}

function navLinks(ctx: PageContext, active: string | undefined): string {
  return ctx.catalog.categories
    .map((c) => {
      const current = c.slug === active ? ' aria-current="page"' : '';
      return `<a href="${escapeHtml(ctx.href(`/c/${c.slug}`))}"${current}>${escapeHtml(c.name)}</a>`;
    })
    .join('\n      ');
}

const CONSENT_BANNER = `<div id="sw-consent" class="consent-banner" role="region" aria-label="Personalization consent">
    <p><strong>Personalized recommendations?</strong> Shelfwise learns what you like on this device only: your browsing history never leaves your browser.</p>
    <div class="consent-actions">
      <button id="sw-consent-decline" class="btn btn-secondary" type="button">No thanks</button>
      <button id="sw-consent-accept" class="btn" type="button">Accept</button>
    </div>
  </div>`;
