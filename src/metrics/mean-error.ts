/**
 * Regression errors, per sample i, averaged over the output units j:
 *
 *   meanSquaredError   m_i = mean_j (y_ij - t_ij)²      Keras's mse
 *   meanAbsoluteError  m_i = mean_j |y_ij - t_ij|       Keras's mae
 */

import type { Batch } from '../core/batch.js';
import { checkOptions } from '../options.js';
import type { Metric, MetricOptions } from './metric.js';

/** Keras's mean_squared_error (by name also 'mse', logged as 'mse'). */
export function meanSquaredError(options: MetricOptions = {}): Metric {
  checkOptions<MetricOptions>('meanSquaredError', options, { name: 'string' });
  return { name: options.name ?? 'mean_squared_error', targets: 'values', sum: (output, targets) => meanErrorSum(output, targets, (d) => d * d) };
}

/** Keras's mean_absolute_error (by name also 'mae', logged as 'mae'). */
export function meanAbsoluteError(options: MetricOptions = {}): Metric {
  checkOptions<MetricOptions>('meanAbsoluteError', options, { name: 'string' });
  return { name: options.name ?? 'mean_absolute_error', targets: 'values', sum: (output, targets) => meanErrorSum(output, targets, Math.abs) };
}

/** Σ_i mean_j error(y_ij - t_ij). */
function meanErrorSum(output: Batch, targets: Batch, error: (difference: number) => number): number {
  const Y = output.storage.view(), T = targets.storage.view();
  const cols = output.cols;
  let total = 0;
  for (let i = 0; i < output.rows; i++) {
    let sum = 0;
    for (let j = i * cols; j < (i + 1) * cols; j++) sum += error(Y[j] - T[j]);
    total += sum / cols;
  }
  return total;
}
