/**
 * Training vs validation curves as small multiples: one panel per run (a model variant),
 * the training curve solid and the validation curve dashed, in the run's colour, all panels
 * on the same axes so they compare at a glance. Where the two curves part, the model is
 * fitting its training set better than data it has not seen: overfitting.
 *
 *   trainValidationCurves({ metric: 'accuracy', runs: [{ name: 'none', train: [...], validation: [...] }] })
 */

import type { TopLevelSpec } from 'vega-lite';
import { logAxis } from './log-axis.js';
import { colorScale, type SeriesColors } from './palette.js';

export interface CurveRun {
  /** Panel title. */
  name: string;
  /** The metric on the training data after each epoch (epoch 1 first). */
  train: ArrayLike<number>;
  /** The metric on the validation data after each epoch. */
  validation: ArrayLike<number>;
}

export interface CurvesOptions {
  runs: CurveRun[];
  /** What the curves measure: names the y axis, and 'accuracy' formats it as a percentage. */
  metric: 'loss' | 'accuracy' | string;
  title?: string;
  subtitle?: string;
  /** Panels per row (default 4). */
  columns?: number;
  /** y axis title (default: the metric). */
  yTitle?: string;
  /** 'linear' (default) or 'log'. */
  yScale?: 'linear' | 'log';
  /** Colours shared with the report's other charts. */
  colors?: SeriesColors;
  /** One panel's plot area (default 190 × 130). */
  width?: number;
  height?: number;
}

export const SPLITS = ['train', 'validation'] as const;

export function trainValidationCurves(options: CurvesOptions): TopLevelSpec {
  const names = options.runs.map((r) => r.name);
  const rows: { run: string; split: string; epoch: number; value: number }[] = [];
  for (const run of options.runs) {
    for (const [split, values] of [['train', run.train], ['validation', run.validation]] as const) {
      for (let e = 0; e < values.length; e++) if (Number.isFinite(values[e])) rows.push({ run: run.name, split, epoch: e + 1, value: values[e] });
    }
  }
  const accuracy = options.metric === 'accuracy';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) } } : {}),
    data: { values: rows },
    columns: options.columns ?? 4,
    facet: { field: 'run', type: 'nominal', title: null, sort: names },
    spec: {
      width: options.width ?? 190,
      height: options.height ?? 130,
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } },
        y: {
          field: 'value', type: 'quantitative', title: options.yTitle ?? options.metric,
          ...(options.yScale === 'log' ? logAxis(rows.map((r) => r.value)) : { scale: { zero: false }, axis: accuracy ? { format: '.0%' } : {} }),
        },
        color: { field: 'run', type: 'nominal', scale: colorScale(names, options.colors), legend: null },
        strokeDash: {
          field: 'split', type: 'nominal', title: null,
          scale: { domain: [...SPLITS], range: [[1, 0], [6, 3]] },
          legend: { orient: 'top', symbolType: 'stroke', symbolStrokeColor: '#333', symbolSize: 400 },
        },
        order: { field: 'epoch', type: 'quantitative' },
      },
    },
    resolve: { scale: { y: 'shared', x: 'shared' }, axis: { x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
}

