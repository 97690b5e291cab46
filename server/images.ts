// /img/<id>.png: generated product pictures (the category's colour, a shape for the subcategory)
// and /img/cat-<slug>.png department tiles, drawn as PNG (raster.ts says why not SVG). Each
// distinct picture is drawn once, then served from memory.
import { findCategory, findItem, findSubcategory, type Catalog } from './catalog';
import type { Shape as ShapeName } from './catalog-data';
import { circle, paint, polygon, rgb, roundedRect, type Shape } from './raster';
import type { Handler } from './router';
import { etagOf, sendBody } from './send';

/** Product pictures are 400 px square; cards show them at up to 200 px, so twice that for sharp screens. */
const SIZE = 400;

const SHAPES: Record<ShapeName, Shape> = {
  circle: circle(200, 185, 110),
  square: roundedRect(92, 78, 308, 294, 28),
  triangle: polygon([[200, 62], [334, 300], [66, 300]]),
  diamond: polygon([[200, 62], [330, 185], [200, 308], [70, 185]]),
  hexagon: polygon([[200, 68], [304, 128], [304, 248], [200, 308], [96, 248], [96, 128]]),
  pill: roundedRect(62, 125, 338, 249, 62),
};

/** Mixes a #rrggbb colour with white; `amount` 0 = colour, 1 = white. */
function tint(hex: string, amount: number): string {
  const channels = rgb(hex);
  return `#${channels.map((c) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0')).join('')}`;
}

/** What a name shows, as a key (items of one category and subcategory share a picture) and its
 *  drawing; undefined for a name that is no item or department. */
function pictureOf(catalog: Catalog, name: string): { key: string; draw(): Buffer } | undefined {
  if (name.startsWith('cat-')) {
    const found = findCategory(catalog, name.slice(4));
    if (!found || found.subcategory) return undefined;
    const { color } = found.category;
    return {
      key: `tile ${color}`,
      draw: () => paint(320, 200, tint(color, 0.8), [
        { shape: circle(262, 46, 80), color: tint(color, 0.45) },
        { shape: circle(300, 200, 56), color },
      ]),
    };
  }
  const item = findItem(catalog, name);
  if (!item) return undefined;
  const { color } = catalog.categories.find((c) => c.name === item.item_category)!;
  const shape = findSubcategory(catalog, item.item_category, item.item_category2)?.shape ?? 'circle';
  return { key: `${shape} ${color}`, draw: () => paint(SIZE, SIZE, tint(color, 0.86), [{ shape: SHAPES[shape], color }]) };
}

export function imageHandler(catalog: Catalog): Handler {
  // By picture, not by name: a few dozen pictures for the whole catalog, each drawn once (about
  // 11 ms of the server's thread). Unknown names are never cached.
  const cache = new Map<string, { body: Buffer; etag: string }>();
  const build = (name: string) => {
    const picture = pictureOf(catalog, name);
    if (!picture) return null;
    let image = cache.get(picture.key);
    if (!image) {
      const body = picture.draw();
      image = { body, etag: etagOf(body) };
      cache.set(picture.key, image);
    }
    return image;
  };
  return ({ req, res, rest }) => {
    const name = /^([A-Za-z0-9-]{1,64})\.png$/.exec(rest)?.[1];
    const image = name ? build(name) : null;
    if (!image) {
      sendBody(req, res, { status: 404, type: 'text/plain; charset=utf-8', body: 'image not found' });
      return;
    }
    sendBody(req, res, {
      type: 'image/png',
      body: image.body,
      etag: image.etag,
      headers: { 'Cache-Control': 'public, max-age=86400', 'Content-Security-Policy': "default-src 'none'" },
    });
  };
}
