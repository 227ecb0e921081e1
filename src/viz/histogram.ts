/**
 * Weight histograms, one panel per run, side by side on the same x axis: the share of a
 * layer's weights in each bin of value. No penalty leaves the weights spread out as
 * training left them; L2 (gradient 2λw) shrinks them all towards 0 in proportion to their
 * size, so the histogram narrows; L1 (gradient λ·sign(w)) pulls each by the same amount,
 * so many reach 0 and stay: a spike at 0.
 *
 * The values are binned here, not by Vega (a first layer holds hundreds of thousands of
 * weights; the chart only needs the counts).
 */

import type { TopLevelSpec } from 'vega-lite';
import { colorScale, type SeriesColors } from './palette.js';

export interface HistogramRun {
  name: string;
  values: ArrayLike<number>;
}

export interface HistogramOptions {
  runs: HistogramRun[];
  title?: string;
  subtitle?: string;
  /** Bins cover [-limit, limit]; values beyond are left out (default: the 99.5th percentile of |w| over all runs, rounded up, so at most 0.5% are). */
  limit?: number;
  /** Number of equal bins (default 61: odd, so one bin is centred on 0). */
  bins?: number;
  /** x axis title (default 'weight'). */
  xTitle?: string;
  colors?: SeriesColors;
  /** One panel's plot area (default 230 × 170). */
  width?: number;
  height?: number;
}

export interface Bin {
  start: number;
  end: number;
  count: number;
  /** count / number of values. */
  share: number;
}

/**
 * Equal bins over [-limit, limit] (the last one includes limit). A value outside is in no
 * bin, though shares are of all values: piling the tails into the end bins would draw
 * spikes at ±limit that are not in the data.
 */
export function binValues(values: ArrayLike<number>, limit: number, bins: number): Bin[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i]) <= limit)) continue;
    const bin = Math.floor(((values[i] + limit) / (2 * limit)) * bins); // which of the bins of width 2·limit/bins
    counts[Math.min(bin, bins - 1)]++;
  }
  const width = (2 * limit) / bins;
  return counts.map((count, i) => ({ start: -limit + i * width, end: -limit + (i + 1) * width, count, share: values.length ? count / values.length : 0 }));
}

/** The q-quantile (0..1) of |v| over all the runs' values. */
export function absQuantile(runs: HistogramRun[], q: number): number {
  const all = new Float64Array(runs.reduce((n, r) => n + r.values.length, 0));
  let at = 0;
  for (const run of runs) for (let i = 0; i < run.values.length; i++) all[at++] = Math.abs(run.values[i]);
  all.sort();
  if (all.length === 0) return 1;
  return all[Math.min(all.length - 1, Math.floor(q * all.length))] || 1;
}

export function weightHistograms(options: HistogramOptions): TopLevelSpec {
  const names = options.runs.map((r) => r.name);
  const limit = options.limit ?? niceCeil(absQuantile(options.runs, 0.995));
  const bins = options.bins ?? 61;
  const width = options.width ?? 230, height = options.height ?? 170;
  const colors = colorScale(names, options.colors);
  // One panel per run, side by side, each with its own vertical scale (an L1 spike at 0
  // would flatten the other panels on a shared one) and round ticks that stay clear of the
  // top edge, so no label pokes above a panel and the panel titles line up.
  const panels = options.runs.map((run) => {
    const rows = binValues(run.values, limit, bins).map((b) => ({ run: run.name, start: b.start, end: b.end, share: b.share }));
    const axis = shareAxis(Math.max(...rows.map((r) => r.share), 1e-9), height);
    return {
      title: { text: run.name, fontSize: 13, anchor: 'middle', offset: 6 },
      width, height,
      data: { values: rows },
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'start', type: 'quantitative', title: options.xTitle ?? 'weight', scale: { domain: [-limit, limit], nice: false } },
        x2: { field: 'end' },
        y: { field: 'share', type: 'quantitative', title: 'share of weights', scale: { domain: axis.domain, nice: false }, axis: { values: axis.ticks, format: '.1~%' } },
        color: { field: 'run', type: 'nominal', scale: colors, legend: null },
      },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) } } : {}),
    hconcat: panels,
    spacing: 24,
  } as TopLevelSpec;
}

/**
 * A share axis for one panel: the domain [0, 1.08 × the largest share] and about four
 * round ticks (a 1-2-5 step), none within 8 pixels of the top, where its label would
 * stick out above the panel.
 */
export function shareAxis(maxShare: number, height: number): { domain: [number, number]; ticks: number[] } {
  const top = maxShare * 1.08;
  const step = niceCeil(maxShare / 4);
  const highest = top * (1 - 8 / height);
  const ticks: number[] = [];
  for (let k = 0; k * step <= highest; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { domain: [0, top], ticks };
}

/** Rounds up to 1, 2 or 5 × a power of ten (0.0734 -> 0.1), for round axis ends. */
export function niceCeil(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 5, 10]) if (step * power >= x) return step * power;
  return 10 * power;
}
