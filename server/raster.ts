// Flat pictures drawn pixel by pixel and encoded as PNG (pngjs): a background colour and filled
// shapes, each edge smoothed by four samples a pixel. The demo's product pictures are made this
// way rather than as SVG documents: Chromium draws an SVG <img> on the page's main thread (3-4 ms
// each here), so a shelf of eight of them delayed the frame that shows it, which a store's JPEG or
// PNG photos, decoded off the main thread, do not.
import { PNG } from 'pngjs';

/** Whether the point (x, y) lies inside the shape. */
export type Shape = (x: number, y: number) => boolean;

export interface Layer {
  shape: Shape;
  /** #rrggbb */
  color: string;
}

/** Three bytes a pixel, in and out: a picture with no transparency. */
const RGB = { colorType: 2, inputColorType: 2, inputHasAlpha: false } as const;

const SAMPLES = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
] as const;

/** A #rrggbb colour's channels. */
export function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

export function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A rectangle from (x0, y0) to (x1, y1) with corners of radius r. */
export function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
}

/** A convex polygon, its points in order (either way round). */
export function polygon(points: readonly (readonly [number, number])[]): Shape {
  return (x, y) => {
    let sign = 0;
    for (let i = 0; i < points.length; i++) {
      const [ax, ay] = points[i];
      const [bx, by] = points[(i + 1) % points.length];
      const side = Math.sign((bx - ax) * (y - ay) - (by - ay) * (x - ax));
      if (side === 0) continue;
      if (sign === 0) sign = side;
      else if (side !== sign) return false;
    }
    return true;
  };
}

/** A width × height PNG: `background`, then each layer over it. */
export function paint(width: number, height: number, background: string, layers: readonly Layer[]): Buffer {
  const png = new PNG({ width, height, ...RGB });
  png.data = Buffer.alloc(width * height * 3);
  // Colours by index: 0 the background, i + 1 layer i.
  const colors = [rgb(background), ...layers.map((l) => rgb(l.color))];
  // The topmost layer that covers a point gives its colour.
  const top = (x: number, y: number) => {
    for (let i = layers.length - 1; i >= 0; i--) if (layers[i].shape(x, y)) return i + 1;
    return 0;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < SAMPLES.length; k++) {
        const c = colors[top(x + SAMPLES[k][0], y + SAMPLES[k][1])];
        r += c[0];
        g += c[1];
        b += c[2];
      }
      const at = (y * width + x) * 3;
      png.data[at] = Math.round(r / SAMPLES.length);
      png.data[at + 1] = Math.round(g / SAMPLES.length);
      png.data[at + 2] = Math.round(b / SAMPLES.length);
    }
  }
  // Each line as the difference from the one above ("Up"): a flat picture's lines are mostly alike,
  // so this deflates as well as pngjs's per-line choice (4.2 KB a product picture) in a tenth of
  // the time (2.3 against 21 ms).
  return PNG.sync.write(png, { ...RGB, filterType: 2 });
}
