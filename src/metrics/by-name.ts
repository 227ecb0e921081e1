/**
 * The metrics compile takes: Keras's names, in its snake_case or in camelCase, or metric
 * objects from nn.metrics. A metric is logged under the name Keras logs it under: the string
 * given, in snake_case ('categoricalAccuracy' → 'categorical_accuracy', 'mse' → 'mse',
 * 'acc' → 'acc'), or the object's `name`.
 *
 *   accuracy, acc                                   picked by the loss (accuracy.ts)
 *   categorical_accuracy, sparse_categorical_accuracy, binary_accuracy
 *   mse, mean_squared_error, mae, mean_absolute_error
 *   top_k_categorical_accuracy, sparse_top_k_categorical_accuracy   (k = 5)
 *
 * Compile also checks that each metric reads the targets the loss takes: integer labels for
 * sparseCategoricalCrossentropy, rows shaped like the output for the other losses.
 */

import type { LossName } from '../losses.js';
import { ConfigError } from '../errors.js';
import { describe } from '../options.js';
import type { Metric } from './metric.js';
import { accuracyForLoss, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './accuracy.js';
import { meanAbsoluteError, meanSquaredError } from './mean-error.js';
import { sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from './top-k.js';

/** Each metric by its snake_case name, built to be logged under `name`. */
const BY_NAME: Record<string, (name: string, loss: LossName) => Metric> = {
  accuracy: (name, loss) => accuracyForLoss(loss, name),
  acc: (name, loss) => accuracyForLoss(loss, name),
  categorical_accuracy: (name) => categoricalAccuracy({ name }),
  sparse_categorical_accuracy: (name) => sparseCategoricalAccuracy({ name }),
  binary_accuracy: (name) => binaryAccuracy({ name }),
  mse: (name) => meanSquaredError({ name }),
  mean_squared_error: (name) => meanSquaredError({ name }),
  mae: (name) => meanAbsoluteError({ name }),
  mean_absolute_error: (name) => meanAbsoluteError({ name }),
  top_k_categorical_accuracy: (name) => topKCategoricalAccuracy({ name }),
  sparse_top_k_categorical_accuracy: (name) => sparseTopKCategoricalAccuracy({ name }),
};

/** Keys that fit writes itself, which no metric may take. */
const RESERVED = ['loss', 'regularization_loss'];

/** The metrics of `compile({ metrics })` for `loss`, checked: known, distinct names, matching targets. */
export function getMetrics(identifiers: readonly unknown[], loss: LossName): Metric[] {
  const metrics = identifiers.map((identifier, i) => toMetric(identifier, i, loss));
  const names = new Set<string>(RESERVED);
  for (const metric of metrics) {
    if (names.has(metric.name)) throw new ConfigError(`compile: two values would be logged as '${metric.name}'; give each metric its own name`);
    names.add(metric.name);
    checkTargets(metric, loss);
  }
  return metrics;
}

function toMetric(identifier: unknown, index: number, loss: LossName): Metric {
  if (typeof identifier === 'string') {
    const name = identifier.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const make = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
    if (make === undefined) {
      throw new ConfigError(`compile: unknown metric '${identifier}'; expected one of ${Object.keys(BY_NAME).join(', ')} (or their camelCase), or a metric from nn.metrics`);
    }
    return make(name, loss);
  }
  if (isMetric(identifier)) return identifier;
  throw new ConfigError(`compile: metrics[${index}] must be a metric name such as 'accuracy' or a metric from nn.metrics, got ${describe(identifier)}`);
}

function isMetric(value: unknown): value is Metric {
  if (value === null || typeof value !== 'object') return false;
  const { name, targets, sum } = value as Partial<Metric>;
  return typeof name === 'string' && typeof sum === 'function' && (targets === 'labels' || targets === 'values' || targets === 'any');
}

/** Refuses a metric whose targets the loss does not take (the data is shaped for the loss). */
function checkTargets(metric: Metric, loss: LossName): void {
  const sparse = loss === 'sparseCategoricalCrossentropy';
  if (metric.targets === 'labels' && !sparse) {
    throw new ConfigError(
      `compile: metric '${metric.name}' reads integer class labels, but ${loss} takes targets shaped like the output; ` +
        "use categoricalAccuracy or topKCategoricalAccuracy, or 'accuracy', which follows the loss",
    );
  }
  if (metric.targets === 'values' && sparse) {
    throw new ConfigError(
      `compile: metric '${metric.name}' reads targets shaped like the output, but sparseCategoricalCrossentropy takes integer class labels; ` +
        "use sparseCategoricalAccuracy or sparseTopKCategoricalAccuracy, or 'accuracy', which follows the loss",
    );
  }
}
