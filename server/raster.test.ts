import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { circle, paint, polygon, roundedRect } from './raster';

const at = (png: PNG, x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];

describe('raster', () => {
  test('shapes: inside and outside', () => {
    const c = circle(10, 10, 5);
    expect([c(10, 10), c(14.9, 10), c(15.1, 10), c(14, 14)]).toEqual([true, true, false, false]);
    const r = roundedRect(0, 0, 20, 10, 4);
    expect([r(10, 5), r(0.5, 5), r(0.5, 0.5), r(4, 0), r(21, 5)]).toEqual([true, true, false, true, false]);
    const t = polygon([[0, 0], [10, 0], [0, 10]]);
    expect([t(2, 2), t(6, 6), t(-1, 1)]).toEqual([true, false, false]);
    // Either winding.
    const back = polygon([[0, 10], [10, 0], [0, 0]]);
    expect([back(2, 2), back(6, 6)]).toEqual([true, false]);
  });

  test('paints the background, the layers over it in order, and blends each edge pixel by its coverage', () => {
    const png = PNG.sync.read(
      paint(8, 4, '#ffffff', [
        { shape: (x) => x < 4, color: '#000000' },
        { shape: (x, y) => x >= 2 && x < 3 && y < 2, color: '#ff0000' },
        // Half of column 6's samples (x + 0.25 < 6.5, x + 0.75 > 6.5).
        { shape: (x) => x > 6.5, color: '#0000ff' },
      ]),
    );
    expect([png.width, png.height]).toEqual([8, 4]);
    expect(at(png, 0, 0)).toEqual([0, 0, 0]);
    expect(at(png, 2, 0)).toEqual([255, 0, 0]); // the later layer on top
    expect(at(png, 2, 3)).toEqual([0, 0, 0]);
    expect(at(png, 5, 0)).toEqual([255, 255, 255]);
    expect(at(png, 6, 1)).toEqual([128, 128, 255]);
    expect(at(png, 7, 1)).toEqual([0, 0, 255]);
  });
});
