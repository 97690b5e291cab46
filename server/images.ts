// /img/<id>.svg: generated product pictures (category colour, a subcategory shape, initials) and
// /img/cat-<slug>.svg department tiles. Built once per name, then served from memory.
import { findCategory, findItem, findSubcategory, type Catalog } from './catalog';
import type { Shape } from './catalog-data';
import { escapeHtml } from './html';
import type { Handler } from './router';
import { etagOf, sendBody } from './send';

const SHAPES: Record<Shape, string> = {
  circle: '<circle cx="200" cy="185" r="110"/>',
  square: '<rect x="92" y="78" width="216" height="216" rx="28"/>',
  triangle: '<polygon points="200,62 334,300 66,300"/>',
  diamond: '<polygon points="200,62 330,185 200,308 70,185"/>',
  hexagon: '<polygon points="200,68 304,128 304,248 200,308 96,248 96,128"/>',
  pill: '<rect x="62" y="125" width="276" height="124" rx="62"/>',
};

/** Mixes a #rrggbb colour with white; `amount` 0 = colour, 1 = white. */
function tint(hex: string, amount: number): string {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${channels.map((c) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0')).join('')}`;
}

function initials(name: string): string {
  return name.split(/\s+/).slice(0, 2).map((w) => w[0] ?? '').join('').toUpperCase();
}

function productSvg(catalog: Catalog, id: string): string | undefined {
  const item = findItem(catalog, id);
  if (!item) return undefined;
  const category = catalog.categories.find((c) => c.name === item.item_category)!;
  const shape = findSubcategory(catalog, item.item_category, item.item_category2)?.shape ?? 'circle';
  const textY = shape === 'triangle' ? 238 : 200;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${escapeHtml(item.item_name)}">
<rect width="400" height="400" fill="${tint(category.color, 0.86)}"/>
<g fill="${category.color}">${SHAPES[shape]}</g>
<text x="200" y="${textY}" text-anchor="middle" dominant-baseline="middle" font-family="system-ui, sans-serif" font-size="76" font-weight="700" fill="#ffffff">${escapeHtml(initials(item.item_name))}</text>
<text x="200" y="360" text-anchor="middle" font-family="system-ui, sans-serif" font-size="22" fill="${category.color}">${escapeHtml(item.item_brand)}</text>
</svg>`;
}

function categorySvg(catalog: Catalog, slug: string): string | undefined {
  const found = findCategory(catalog, slug);
  if (!found || found.subcategory) return undefined;
  const { color, name } = found.category;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200" role="img" aria-label="${escapeHtml(name)}">
<rect width="320" height="200" fill="${tint(color, 0.8)}"/>
<circle cx="262" cy="46" r="80" fill="${tint(color, 0.45)}"/>
<circle cx="300" cy="200" r="56" fill="${color}"/>
</svg>`;
}

export function imageHandler(catalog: Catalog): Handler {
  // Only real names are cached, so unknown names cannot grow the cache.
  const cache = new Map<string, { body: string; etag: string }>();
  const build = (name: string) => {
    const cached = cache.get(name);
    if (cached) return cached;
    const svg = name.startsWith('cat-') ? categorySvg(catalog, name.slice(4)) : productSvg(catalog, name);
    if (!svg) return null;
    const image = { body: svg, etag: etagOf(svg) };
    cache.set(name, image);
    return image;
  };
  return ({ req, res, rest }) => {
    const name = /^([A-Za-z0-9-]{1,64})\.svg$/.exec(rest)?.[1];
    const image = name ? build(name) : null;
    if (!image) {
      sendBody(req, res, { status: 404, type: 'text/plain; charset=utf-8', body: 'image not found' });
      return;
    }
    sendBody(req, res, {
      type: 'image/svg+xml',
      body: image.body,
      etag: image.etag,
      headers: { 'Cache-Control': 'public, max-age=86400', 'Content-Security-Policy': "default-src 'none'" },
    });
  };
}
