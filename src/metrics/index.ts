/**
 * Metrics, as `nn.metrics.*`: objects to pass to compile next to (or instead of) names,
 * the way Keras passes metric objects such as `TopKCategoricalAccuracy(k=3)`:
 *
 *   model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy',
 *                   metrics: ['accuracy', nn.metrics.topKCategoricalAccuracy({ k: 3 })] });
 *
 * Each reports Σ_i m_i per batch (metric.ts); fit and evaluate log the mean per sample under
 * its name ('top_k_categorical_accuracy', and 'val_top_k_categorical_accuracy'). The names
 * compile takes are listed in by-name.ts.
 */

export type { Metric, MetricOptions, MetricTargets } from './metric.js';
export { categoricalAccuracy, sparseCategoricalAccuracy, binaryAccuracy, type BinaryAccuracyOptions } from './accuracy.js';
export { topKCategoricalAccuracy, sparseTopKCategoricalAccuracy, type TopKOptions } from './top-k.js';
export { meanSquaredError, meanAbsoluteError } from './mean-error.js';
