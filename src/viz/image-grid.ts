/**
 * Small grey images in a grid, each with a caption under it: k-means centroids, a
 * first layer's weights per pixel, digits. One panel per image, its pixels drawn as
 * Vega-Lite `rect` marks on a shared grey scale (the lowest value white, the highest black,
 * as ink on paper), with the scale as a legend.
 *
 *   imageGrid({ shape: [28, 28], images: [{ title: 'cluster 0', pixels: centroid0 }, ...] })
 *
 * The values are rounded to a few grey levels, the background level is not drawn, and a
 * rectangle of equal pixels is one rect: ten 28×28 images would otherwise be 7,840 marks,
 * a large SVG for what the eye tells apart.
 */

import type { TopLevelSpec } from 'vega-lite';
import { ShapeError, ValueError } from '../errors.js';

export interface GridImage {
  /** The caption under the image. */
  title: string;
  /** The pixel values, row by row (shape[0] rows of shape[1]). */
  pixels: ArrayLike<number>;
}

export interface ImageGridOptions {
  images: GridImage[];
  /** [rows, columns] of pixels in every image, e.g. [28, 28]. */
  shape: [number, number];
  /** Above the grid. */
  title?: string;
  /** A second line under the title (smaller, grey). */
  subtitle?: string;
  /** Images per row of the grid (default 5). */
  columns?: number;
  /** Screen pixels per image pixel (default 3). */
  scale?: number;
  /** The values drawn white and black (default: the smallest and largest value of all images). */
  domain?: [number, number];
  /** Grey levels, white and black included (default 16). */
  levels?: number;
  /** Title of the grey-scale legend (default 'value'); null draws no legend. */
  legendTitle?: string | null;
}

/** A rectangle of pixels of one grey level: columns [x, x2) of rows [y, y2). */
export interface PixelRect {
  x: number;
  x2: number;
  y: number;
  y2: number;
  /** The value the rectangle is drawn as: its grey level's value. */
  value: number;
}

/**
 * One image as rectangles of equal grey, the background (the `low` end) left out. A value v
 * gets level round((v − low) / (high − low) · (levels − 1)), clamped to [0, levels − 1], and
 * is drawn as low + level · (high − low) / (levels − 1). Equal neighbours along a row make
 * one run; a run with the same columns and level as one in the row above extends that one down.
 * A non-finite value is left out, like the background.
 */
export function pixelRects(pixels: ArrayLike<number>, shape: [number, number], domain: [number, number], levels: number): PixelRect[] {
  const [rows, columns] = shape;
  const [low, high] = domain;
  const step = (high - low) / (levels - 1);
  const level = (v: number): number => Math.min(levels - 1, Math.max(0, Math.round((v - low) / step)));
  const rects: PixelRect[] = [];
  let open = new Map<string, PixelRect>(); // the runs that end at the row above, by columns and level
  for (let y = 0; y < rows; y++) {
    const next = new Map<string, PixelRect>();
    let start = 0;
    for (let x = 1; x <= columns; x++) {
      const current = level(pixels[y * columns + start]);
      if (x < columns && level(pixels[y * columns + x]) === current) continue;
      if (current > 0) {
        const key = `${start},${x},${current}`;
        let rect = open.get(key);
        if (rect) {
          rect.y2 = y + 1; // the same run as in the row above: that rect grows down
        } else {
          rect = { x: start, x2: x, y, y2: y + 1, value: Number((low + current * step).toPrecision(4)) };
          rects.push(rect);
        }
        next.set(key, rect);
      }
      start = x;
    }
    open = next;
  }
  return rects;
}

export function imageGrid(options: ImageGridOptions): TopLevelSpec {
  const [rows, columns] = options.shape;
  if (!(Number.isInteger(rows) && Number.isInteger(columns) && rows > 0 && columns > 0)) {
    throw new ShapeError(`imageGrid: shape must be two positive integers, got [${options.shape.join(', ')}]`);
  }
  for (const image of options.images) {
    if (image.pixels.length !== rows * columns) {
      throw new ShapeError(`imageGrid: image '${image.title}' must have ${rows} × ${columns} = ${rows * columns} pixels, got ${image.pixels.length}`);
    }
  }
  const levels = options.levels ?? 16;
  if (!(Number.isInteger(levels) && levels >= 2)) throw new ValueError(`imageGrid: levels must be an integer of at least 2, got ${levels}`);
  const domain = options.domain ?? valueRange(options.images);
  if (!(domain[0] < domain[1])) throw new ValueError(`imageGrid: domain must be [low, high] with low < high, got [${domain.join(', ')}]`);
  const scale = options.scale ?? 3;
  const legendTitle = options.legendTitle === undefined ? 'value' : options.legendTitle;
  const grey = {
    scale: { domain, range: ['#ffffff', '#000000'] },
    legend: legendTitle === null ? null : { title: legendTitle, orient: 'bottom', direction: 'horizontal', gradientLength: 160 },
  };
  const panels = options.images.map((image) => ({
    title: { text: image.title, orient: 'bottom', fontSize: 12, fontWeight: 'normal', anchor: 'middle', offset: 4 },
    width: columns * scale,
    height: rows * scale,
    data: { values: pixelRects(image.pixels, options.shape, domain, levels) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { domain: [0, columns], nice: false, zero: false }, axis: null },
      x2: { field: 'x2' },
      // Row 0 at the top, as images are stored.
      y: { field: 'y', type: 'quantitative', scale: { domain: [0, rows], reverse: true, nice: false, zero: false }, axis: null },
      y2: { field: 'y2' },
      color: { field: 'value', type: 'quantitative', ...grey },
    },
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) } } : {}),
    concat: panels,
    columns: options.columns ?? 5,
    spacing: 12,
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** [smallest, largest] finite value over all the images ([0, 1] if there is none or they are all equal). */
function valueRange(images: GridImage[]): [number, number] {
  let low = Infinity, high = -Infinity;
  for (const image of images) {
    for (let i = 0; i < image.pixels.length; i++) {
      const v = image.pixels[i];
      if (Number.isFinite(v)) [low, high] = [Math.min(low, v), Math.max(high, v)];
    }
  }
  return low < high ? [low, high] : [0, 1];
}
