/**
 * The generalization gap per run: training accuracy − validation accuracy after each
 * epoch, one line per run, on one chart. 0 means the model does as well on unseen data as
 * on the data it trained on; the higher the line, the more it has memorised.
 */

import type { TopLevelSpec } from 'vega-lite';
import { lineChart } from './line.js';
import type { SeriesColors } from './palette.js';

export interface GapRun {
  name: string;
  /** Training accuracy after each epoch. */
  train: ArrayLike<number>;
  /** Validation accuracy after each epoch. */
  validation: ArrayLike<number>;
}

export interface GapChartOptions {
  runs: GapRun[];
  title?: string;
  subtitle?: string;
  colors?: SeriesColors;
  width?: number;
  height?: number;
}

/** gap[e] = train[e] − validation[e], over the epochs both have. */
export function gapSeries(run: GapRun): number[] {
  const n = Math.min(run.train.length, run.validation.length);
  return Array.from({ length: n }, (_, e) => run.train[e] - run.validation[e]);
}

export function gapChart(options: GapChartOptions): TopLevelSpec {
  return lineChart({
    title: options.title ?? 'Train − validation accuracy',
    subtitle: options.subtitle,
    xTitle: 'epoch',
    xIntegers: true,
    yTitle: 'train − validation accuracy',
    yFormat: '.0%',
    series: options.runs.map((run) => {
      const gap = gapSeries(run);
      return { name: run.name, x: gap.map((_, e) => e + 1), y: gap };
    }),
    rules: [{ y: 0, label: 'no gap' }],
    colors: options.colors,
    width: options.width ?? 520,
    height: options.height ?? 260,
  });
}
