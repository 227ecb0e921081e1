/**
 * Top-k accuracy, per sample i: the target class is among the k largest outputs,
 *
 *   m_i = [#{j : y_ij > y_i,c} < k]        c = argmax_j t_ij, or label_i (sparse)
 *
 * i.e. fewer than k classes score strictly higher than the target. Classes that tie with the
 * target at the k-th place all count as in the top k, as TensorFlow's in_top_k decides, and
 * an output that is NaN or infinite at the target is a miss. Keras's default k is 5; with
 * k ≥ the number of classes every finite sample is a hit.
 */

import type { Batch } from '../core/batch.js';
import { requireInteger } from '../arguments.js';
import { checkOptions } from '../options.js';
import { argmax, type Metric, type MetricOptions } from './metric.js';

export interface TopKOptions extends MetricOptions {
  /** How many of the largest outputs the target may be among (default 5, as in Keras). */
  k?: number;
}

/** Keras's top_k_categorical_accuracy, for one-hot targets: `topKCategoricalAccuracy({ k: 3 })`. */
export function topKCategoricalAccuracy(options: TopKOptions = {}): Metric {
  const k = topK('topKCategoricalAccuracy', options);
  return { name: options.name ?? 'top_k_categorical_accuracy', targets: 'values', sum: (output, targets) => topKHits(output, targets, k, false) };
}

/** Keras's sparse_top_k_categorical_accuracy, for integer labels: `sparseTopKCategoricalAccuracy({ k: 3 })`. */
export function sparseTopKCategoricalAccuracy(options: TopKOptions = {}): Metric {
  const k = topK('sparseTopKCategoricalAccuracy', options);
  return { name: options.name ?? 'sparse_top_k_categorical_accuracy', targets: 'labels', sum: (output, targets) => topKHits(output, targets, k, true) };
}

/** The checked k of the options (default 5). */
function topK(where: string, options: TopKOptions): number {
  checkOptions<TopKOptions>(where, options, { name: 'string', k: 'number' });
  const k = options.k ?? 5;
  requireInteger(where, 'k', k, 1);
  return k;
}

function topKHits(output: Batch, targets: Batch, k: number, sparse: boolean): number {
  const Y = output.storage.view(), T = targets.storage.view();
  const cols = output.cols;
  let hits = 0;
  for (let i = 0; i < output.rows; i++) {
    const row = i * cols;
    const target = Y[row + (sparse ? T[i] : argmax(T, row, cols))];
    if (!Number.isFinite(target)) continue;
    let above = 0;
    for (let j = 0; j < cols; j++) if (Y[row + j] > target) above++;
    if (above < k) hits += 1;
  }
  return hits;
}
