/**
 * The generic line chart: one or more named series of (x, y) points on shared axes, with
 * optional reference lines. Every other line chart of a report is this one with its data
 * prepared (gap.ts), or small multiples of it (curves.ts).
 *
 *   lineChart({ title: 'Validation loss', xTitle: 'epoch', yTitle: 'loss',
 *               series: [{ name: 'no dropout', x: [1, 2, 3], y: [0.5, 0.4, 0.45] }] })
 */

import type { TopLevelSpec } from 'vega-lite';
import { logAxis } from './log-axis.js';
import { colorScale, type SeriesColors } from './palette.js';

export interface Series {
  /** Legend entry. */
  name: string;
  x: ArrayLike<number>;
  /** Same length as x; a non-finite y (a diverged run) leaves a hole. */
  y: ArrayLike<number>;
}

/** A horizontal (y) or vertical (x) reference line with a label. */
export interface Rule {
  x?: number;
  y?: number;
  label?: string;
  /** Where the label sits along the line: 'end' (default: the right end, or the top) or 'start' (the left end, or the bottom). */
  labelAt?: 'start' | 'end';
}

export interface LineChartOptions {
  series: Series[];
  title?: string;
  /** A second line under the title (smaller, grey). */
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** 'linear' (default) or 'log' (labelled at powers of ten; see log-axis.ts). */
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  /** d3-format of the axis labels, e.g. '.0%' (default: Vega's choice; ignored on a log axis). */
  xFormat?: string;
  yFormat?: string;
  /** Whole-number ticks on the x axis only (epochs, folds); default false. */
  xIntegers?: boolean;
  /** Include 0 on the y axis (default false: fit the data). */
  yZero?: boolean;
  /** Draw a dot at each point (default: only when a series has at most 30 points). */
  points?: boolean;
  /** Reference lines, drawn in grey and dashed. */
  rules?: Rule[];
  /** Series colours shared with other charts (default: palette order). */
  colors?: SeriesColors;
  /** Plot area in pixels (default 420 × 240). */
  width?: number;
  height?: number;
}

/** One row per finite point: what Vega-Lite reads. */
export function seriesRows(series: Series[]): { series: string; x: number; y: number }[] {
  const rows: { series: string; x: number; y: number }[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (Number.isFinite(s.y[i]) && Number.isFinite(s.x[i])) rows.push({ series: s.name, x: s.x[i], y: s.y[i] });
    }
  }
  return rows;
}

export function lineChart(options: LineChartOptions): TopLevelSpec {
  const names = options.series.map((s) => s.name);
  const points = options.points ?? options.series.every((s) => s.x.length <= 30);
  const rows = seriesRows(options.series);
  const axis = (format: string | undefined, integers = false): Record<string, unknown> => ({
    ...(format ? { format } : {}),
    ...(integers ? { tickMinStep: 1, format: format ?? 'd' } : {}),
  });
  const x = options.xScale === 'log'
    ? logAxis(rows.map((r) => r.x))
    : { scale: { zero: false, nice: false }, axis: axis(options.xFormat, options.xIntegers) };
  const y = options.yScale === 'log'
    ? logAxis(rows.map((r) => r.y))
    : { scale: { zero: options.yZero ?? false }, axis: axis(options.yFormat) };
  const lines = {
    mark: { type: 'line', strokeWidth: 2, point: points ? { size: 28, filled: true } : false, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle, ...x },
      y: { field: 'y', type: 'quantitative', title: options.yTitle, ...y },
      color: {
        field: 'series', type: 'nominal', title: null, scale: colorScale(names, options.colors),
        legend: names.length > 1 ? { orient: 'right' } : null,
      },
      order: { field: 'x', type: 'quantitative' },
    },
  };
  const rules = (options.rules ?? []).flatMap(ruleLayers);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) } } : {}),
    width: options.width ?? 420,
    height: options.height ?? 240,
    data: { values: rows },
    layer: [lines, ...rules],
  } as TopLevelSpec;
}

/** A dashed grey line at x or y, and its label: left of a vertical line, above a horizontal one. */
export function ruleLayers(rule: Rule): object[] {
  const vertical = rule.x !== undefined;
  const start = rule.labelAt === 'start';
  const at = vertical ? { x: { datum: rule.x } } : { y: { datum: rule.y } };
  const one = { values: [{}] }; // one mark, not one per row of the chart's data
  const layers: object[] = [{ data: one, mark: { type: 'rule', color: '#777', strokeDash: [4, 3] }, encoding: at }];
  if (rule.label) {
    layers.push({
      data: one,
      mark: vertical
        ? { type: 'text', color: '#555', fontSize: 11, align: 'right', dx: -4, ...(start ? { baseline: 'bottom', y: 'height', dy: -2 } : { baseline: 'top', y: 2 }) }
        : { type: 'text', color: '#555', fontSize: 11, baseline: 'bottom', dy: -3, ...(start ? { align: 'left', x: 2 } : { align: 'right', x: 'width' }) },
      encoding: { ...at, text: { value: rule.label } },
    });
  }
  return layers;
}
