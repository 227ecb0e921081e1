/**
 * Accuracies, per sample i, with y_i the output row and t_i the target:
 *
 *   categoricalAccuracy        m_i = [argmax_j y_ij = argmax_j t_ij]      (t one-hot)
 *   sparseCategoricalAccuracy  m_i = [argmax_j y_ij = label_i]
 *   binaryAccuracy             m_i = mean_j [(y_ij > threshold) = t_ij]   (threshold 0.5)
 *
 * argmax takes the first of equal maxima. And 'accuracy', which Keras picks by the shapes of
 * the data, picked here by the loss (the targets the loss takes tell the same):
 *
 *   sparseCategoricalCrossentropy  sparse categorical accuracy
 *   categoricalCrossentropy        categorical accuracy
 *   binaryCrossentropy             binary accuracy
 *   meanSquaredError               binary accuracy for one output unit, else categorical
 */

import type { Batch } from '../core/batch.js';
import type { LossName } from '../losses.js';
import { requireFinite } from '../arguments.js';
import { checkOptions } from '../options.js';
import { argmax, type Metric, type MetricOptions } from './metric.js';

export interface BinaryAccuracyOptions extends MetricOptions {
  /** An output above it counts as class 1, else 0 (default 0.5). */
  threshold?: number;
}

/** Keras's categorical_accuracy: the largest output is the target's class. */
export function categoricalAccuracy(options: MetricOptions = {}): Metric {
  checkOptions<MetricOptions>('categoricalAccuracy', options, { name: 'string' });
  return { name: options.name ?? 'categorical_accuracy', targets: 'values', sum: (output, targets) => categoricalHits(output, targets, false) };
}

/** Keras's sparse_categorical_accuracy: the largest output is the labelled class. */
export function sparseCategoricalAccuracy(options: MetricOptions = {}): Metric {
  checkOptions<MetricOptions>('sparseCategoricalAccuracy', options, { name: 'string' });
  return { name: options.name ?? 'sparse_categorical_accuracy', targets: 'labels', sum: (output, targets) => categoricalHits(output, targets, true) };
}

/** Keras's binary_accuracy: the share of outputs on the target's side of `threshold`. */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): Metric {
  checkOptions<BinaryAccuracyOptions>('binaryAccuracy', options, { name: 'string', threshold: 'number' });
  const threshold = options.threshold ?? 0.5;
  requireFinite('binaryAccuracy', 'threshold', threshold);
  return { name: options.name ?? 'binary_accuracy', targets: 'values', sum: (output, targets) => binaryHits(output, targets, threshold) };
}

/** 'accuracy' (or 'acc'): the accuracy that fits the loss, as in the table above. */
export function accuracyForLoss(loss: LossName, name: string): Metric {
  return {
    name,
    targets: 'any',
    sum(output, targets) {
      if (loss === 'sparseCategoricalCrossentropy') return categoricalHits(output, targets, true);
      const binary = loss === 'binaryCrossentropy' || (loss === 'meanSquaredError' && output.cols === 1);
      return binary ? binaryHits(output, targets, 0.5) : categoricalHits(output, targets, false);
    },
  };
}

/** Σ_i [argmax y_i = label_i], with label_i = t_i (sparse) or argmax t_i. */
function categoricalHits(output: Batch, targets: Batch, sparse: boolean): number {
  const Y = output.storage.view(), T = targets.storage.view();
  const cols = output.cols;
  let hits = 0;
  for (let i = 0; i < output.rows; i++) {
    const label = sparse ? T[i] : argmax(T, i * cols, cols);
    if (argmax(Y, i * cols, cols) === label) hits += 1;
  }
  return hits;
}

/** Σ_i mean_j [(y_ij > threshold) = t_ij]. */
function binaryHits(output: Batch, targets: Batch, threshold: number): number {
  const Y = output.storage.view(), T = targets.storage.view();
  const cols = output.cols;
  let total = 0;
  for (let i = 0; i < output.rows; i++) {
    let hits = 0;
    for (let j = i * cols; j < (i + 1) * cols; j++) hits += (Y[j] > threshold ? 1 : 0) === T[j] ? 1 : 0;
    total += hits / cols;
  }
  return total;
}
