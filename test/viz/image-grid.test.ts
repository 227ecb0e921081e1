/**
 * The image grid: the rectangles pixelRects cuts an image into repaint exactly the image
 * rounded to its grey levels; the spec refuses images of the wrong size; rendered, each
 * image is a panel with its caption and as many rects as pixelRects gave it. And sideBySide,
 * which puts it beside a line chart.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeError, ValueError } from '../../src/errors.js';
import { imageGrid, lineChart, pixelRects, renderSvg, sideBySide, type PixelRect } from '../../src/viz/index.js';

const RUNS = { seed: 11, numRuns: 200 };

/** The grey value each pixel is drawn with (0 where no rect covers it); throws if two rects overlap. */
function paint(rects: PixelRect[], rows: number, columns: number): number[] {
  const drawn = new Array<number>(rows * columns).fill(0);
  const covered = new Array<boolean>(rows * columns).fill(false);
  for (const r of rects) {
    for (let y = r.y; y < r.y2; y++) {
      for (let x = r.x; x < r.x2; x++) {
        if (covered[y * columns + x]) throw new Error(`pixel (${y}, ${x}) drawn twice`);
        covered[y * columns + x] = true;
        drawn[y * columns + x] = r.value;
      }
    }
  }
  return drawn;
}

/** Panels' rect counts: one <path> per rect in each 'mark-rect role-mark' group. */
function rectCounts(svg: string): number[] {
  return [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => m[1].match(/<path/g)?.length ?? 0);
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('pixelRects', () => {
  it('rounds to the nearest of the grey levels, leaves the background out, merges equal runs across and down', () => {
    // 3 × 4, domain [0, 1], 3 levels (0, 0.5, 1): 0.2 -> 0 (background), 0.3 -> 0.5, 0.8 -> 1.
    const image = [
      0.2, 0.3, 0.3, 0.8,
      0.0, 0.4, 0.6, 0.9,
      0.0, 0.0, 1.0, 1.0,
    ];
    expect(pixelRects(image, [3, 4], [0, 1], 3)).toEqual([
      { x: 1, x2: 3, y: 0, y2: 2, value: 0.5 }, // the 0.3, 0.3 run, and the 0.4, 0.6 under it
      { x: 3, x2: 4, y: 0, y2: 2, value: 1 },
      { x: 2, x2: 4, y: 2, y2: 3, value: 1 },
    ]);
  });

  it('clamps values outside the domain to its ends', () => {
    expect(pixelRects([-5, 7], [1, 2], [0, 1], 2)).toEqual([{ x: 1, x2: 2, y: 0, y2: 1, value: 1 }]);
  });

  it('repaints exactly the rounded image: every pixel above the background drawn once, with its level', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2, max: 8 }),
      fc.array(fc.double({ min: -0.2, max: 1.2, noNaN: true }), { minLength: 81, maxLength: 81 }),
      (rows, columns, levels, values) => {
        const pixels = values.slice(0, rows * columns);
        const drawn = paint(pixelRects(pixels, [rows, columns], [0, 1], levels), rows, columns);
        pixels.forEach((v, i) => {
          const level = Math.min(levels - 1, Math.max(0, Math.round(v * (levels - 1))));
          expect(drawn[i], `pixel ${i}: ${v}`).toBeCloseTo(level / (levels - 1), 3);
        });
      },
    ), RUNS);
  });
});

describe('imageGrid', () => {
  const ramp = Array.from({ length: 16 }, (_, i) => i / 15); // 4 × 4, 0 to 1

  it('refuses an image of the wrong size, a bad shape, too few levels and an empty domain, naming what it got', () => {
    expect(() => imageGrid({ shape: [4, 4], images: [{ title: 'a', pixels: ramp.slice(1) }] })).toThrow(ShapeError);
    expect(() => imageGrid({ shape: [4, 4], images: [{ title: 'a', pixels: ramp.slice(1) }] })).toThrow(/'a'.*16 pixels, got 15/);
    expect(() => imageGrid({ shape: [4, 0], images: [] })).toThrow(ShapeError);
    expect(() => imageGrid({ shape: [4, 4], images: [{ title: 'a', pixels: ramp }], levels: 1 })).toThrow(/levels.*got 1/);
    expect(() => imageGrid({ shape: [4, 4], images: [{ title: 'a', pixels: ramp }], domain: [1, 1] })).toThrow(ValueError);
  });

  it('renders a captioned panel per image, with the rects pixelRects gives it, and the grey legend', async () => {
    const images = [{ title: 'ramp', pixels: ramp }, { title: 'dark ramp', pixels: ramp.map((v) => 0.5 + v / 2) }];
    const svg = await renderSvg(imageGrid({ title: 'Two ramps', shape: [4, 4], images, levels: 4, domain: [0, 1], legendTitle: 'brightness' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/<image|<script/);
    expect(rectCounts(svg)).toEqual(images.map((image) => pixelRects(image.pixels, [4, 4], [0, 1], 4).length));
    for (const t of ['Two ramps', 'ramp', 'dark ramp', 'brightness']) expect(texts(svg)).toContain(t);
    // The largest value is drawn black, and no shape is left with its own aria-hidden.
    expect(svg).toContain('fill="#000000"');
    expect(svg).not.toMatch(/<path aria-hidden="true" d="M\d+,\d+h/);
  });

  it('the default domain runs from the smallest to the largest value of all images', () => {
    const spec = imageGrid({ shape: [4, 4], images: [{ title: 'a', pixels: ramp.map((v) => 2 + v) }] }) as unknown as {
      concat: { encoding: { color: { scale: { domain: number[] } } } }[];
    };
    expect(spec.concat[0].encoding.color.scale.domain).toEqual([2, 3]);
  });
});

describe('sideBySide', () => {
  it('draws the charts in one SVG, each with its own title, under a shared one; the parts carry no $schema', async () => {
    const grid = imageGrid({ title: 'Grid', shape: [2, 2], images: [{ title: 'a', pixels: [0, 1, 1, 0] }] });
    const line = lineChart({ title: 'Line', xTitle: 'k', yTitle: 'inertia', series: [{ name: 's', x: [1, 2], y: [2, 1] }] });
    const spec = sideBySide([grid, line], { title: 'Both' }) as unknown as { hconcat: Record<string, unknown>[] };
    expect(spec.hconcat).toHaveLength(2);
    for (const part of spec.hconcat) expect(part.$schema).toBeUndefined();
    const labels = texts(await renderSvg(spec as never));
    for (const t of ['Both', 'Grid', 'Line', 'a', 'k', 'inertia']) expect(labels).toContain(t);
  });
});
