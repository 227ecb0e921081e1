/**
 * What a metric is: a value m_i per sample, from the model's output row y_i and its target
 * t_i, averaged over every sample seen. As in Keras, the average is per sample, so an epoch's
 * value is Σ_i m_i / N over its N samples, i.e. the batch means weighted by batch size, and a
 * short last batch counts for its size. A metric therefore reports Σ_i m_i over a batch
 * (`sum`), and `MetricTotals` divides by the count at the end.
 */

import type { Batch } from '../core/batch.js';

/** Which targets a metric reads. */
export type MetricTargets =
  /** Integer class labels, one per sample: the targets of sparseCategoricalCrossentropy. */
  | 'labels'
  /** Rows shaped like the output (one-hot, probabilities or values): every other loss's targets. */
  | 'values'
  /** Either: accuracy chosen by the loss. */
  | 'any';

export interface Metric {
  /** The key it is logged under in fit's logs, evaluate's result and History (`val_` prefixed for validation). */
  readonly name: string;
  /** The targets it reads; compile refuses a metric whose targets the loss does not provide. */
  readonly targets: MetricTargets;
  /** Σ_i m_i over the rows of a batch of outputs y (rows × classes or units) and their targets. */
  sum(output: Batch, targets: Batch): number;
}

/** The options every metric factory takes. */
export interface MetricOptions {
  /** The key it is logged under (default: Keras's name for it, e.g. 'top_k_categorical_accuracy'). */
  name?: string;
}

/** Running totals Σ_i m_i of several metrics over the batches of an epoch or an evaluation. */
export class MetricTotals {
  private readonly totals: Float64Array;

  constructor(readonly metrics: readonly Metric[]) {
    this.totals = new Float64Array(metrics.length);
  }

  /** Adds one batch. */
  add(output: Batch, targets: Batch): void {
    this.metrics.forEach((metric, i) => {
      this.totals[i] += metric.sum(output, targets);
    });
  }

  /** Writes each metric's mean over `count` samples into `logs`, under its name. */
  writeMeans(logs: Record<string, number>, count: number): void {
    this.metrics.forEach((metric, i) => {
      logs[metric.name] = this.totals[i] / count;
    });
  }
}

/** Index of the largest of values[offset .. offset+n) (the first, on ties, as argmax does in Keras). */
export function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
