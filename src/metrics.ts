/**
 * Accuracy, chosen by the loss as Keras chooses it for `metrics: ['accuracy']`:
 *
 *   sparseCategoricalCrossentropy  argmax_j y_ij == label_i
 *   categoricalCrossentropy        argmax_j y_ij == argmax_j t_ij
 *   binaryCrossentropy             mean_j [(y_ij > 0.5) == t_ij]
 *   meanSquaredError               binary accuracy for one output unit, else categorical
 */

import type { Batch } from './core/batch.js';
import type { LossName } from './losses.js';
import { ConfigError } from './errors.js';

const METRICS = ['accuracy'] as const;
export type MetricName = (typeof METRICS)[number];

const ALIASES: Record<string, MetricName> = { accuracy: 'accuracy', acc: 'accuracy' };

export function getMetric(name: string): MetricName {
  // hasOwn: a name such as 'constructor' must not find Object.prototype's
  if (!Object.hasOwn(ALIASES, name)) throw new ConfigError(`compile: unknown metric '${name}'; expected one of ${METRICS.join(', ')}`);
  return ALIASES[name];
}

/** Σ_i accuracy_i over the batch (a count of correct samples, fractional for binary). */
export function accuracySum(loss: LossName, output: Batch, targets: Batch): number {
  const Y = output.storage.view(), T = targets.storage.view();
  const rows = output.rows, cols = output.cols;
  const binary = loss === 'binaryCrossentropy' || (loss === 'meanSquaredError' && cols === 1);
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    if (binary) {
      let hits = 0;
      for (let j = 0; j < cols; j++) hits += (Y[row + j] > 0.5 ? 1 : 0) === T[row + j] ? 1 : 0;
      correct += hits / cols;
    } else {
      const label = loss === 'sparseCategoricalCrossentropy' ? T[i] : argmax(T, row, cols);
      if (argmax(Y, row, cols) === label) correct += 1;
    }
  }
  return correct;
}

/** Index of the largest of values[offset .. offset+n) (the first, on ties). */
function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
