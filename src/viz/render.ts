/**
 * Vega-Lite spec -> SVG text, in Node or a browser, with no canvas and no DOM:
 *
 *   vega-lite compile(spec)  ->  a Vega spec
 *   vega.parse + View({ renderer: 'none' }).toSVG()  ->  '<svg ...>...</svg>'
 *
 * Text widths are estimated (no canvas to measure them), which is why every chart leaves
 * its labels some room. The SVG is self-contained (no script, no external reference), so it
 * can be written to a file or inlined in an HTML page.
 */

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec } from 'vega-lite';

export interface RenderOptions {
  /**
   * Prefix for the ids inside the SVG (clip paths, gradients). Vega numbers them from 1 in
   * every SVG, so two charts inlined in one page need different prefixes, or the second
   * would clip by the first's shapes.
   */
  idPrefix?: string;
}

/** The look every chart shares: readable type, a white background, light grid lines. */
const THEME = {
  background: 'white',
  padding: 8,
  font: 'Helvetica, Arial, sans-serif',
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, labelLimit: 320, titleFontSize: 12, titleFontWeight: 'normal', symbolStrokeWidth: 2.5 },
  header: { labelFontSize: 13, labelFontWeight: 'bold', titleFontSize: 13 },
  view: { stroke: '#ccc' },
  // No per-mark labels for screen readers: hundreds of bars each read out is noise, and
  // they would make up most of the file. Axes and legends keep theirs.
  mark: { aria: false },
} as const;

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const themed = { ...spec, config: { ...THEME, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(themed).spec), { renderer: 'none' });
  try {
    const svg = compactMarks(roundCoordinates(await view.toSVG()));
    return options.idPrefix ? prefixIds(svg, options.idPrefix) : svg;
  } finally {
    view.finalize();
  }
}

/**
 * Rounds the numbers in geometry attributes (path data, transforms, positions, sizes) to
 * 2 decimals, a hundredth of a pixel: Vega writes them to 15 digits. Text is left alone.
 */
export function roundCoordinates(svg: string): string {
  return svg.replace(/(\s(?:d|transform|x|y|x1|x2|y1|y2|width|height|points)=")([^"]*)"/g, (_, attribute: string, value: string) =>
    `${attribute}${value.replace(/-?\d+\.\d{3,}(?:e-?\d+)?/g, (n) => String(Number(Number(n).toFixed(2))))}"`);
}

/**
 * Drops what a mark's shapes repeat to no effect: `aria-hidden` on each shape inside a mark
 * group that is itself hidden (hiding a group hides all it holds), and `rgb(r, g, b)`
 * colours, written as the shorter #rrggbb. A chart of a thousand shapes (an image grid) is
 * then 40% smaller and draws the same.
 */
export function compactMarks(svg: string): string {
  return svg
    .replace(/(<g class="mark-(?!group)[^"]*"[^>]*aria-hidden="true"[^>]*>)(.*?)(<\/g>)/gs, (_, open: string, shapes: string, close: string) =>
      open + shapes.replaceAll(' aria-hidden="true"', '') + close)
    .replace(/rgb\((\d+), ?(\d+), ?(\d+)\)/g, (_, r: string, g: string, b: string) =>
      `#${[r, g, b].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`);
}

/** Renames every id="x" to id="prefix-x", and the url(#x) / href="#x" that point at it. */
export function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`);
}
