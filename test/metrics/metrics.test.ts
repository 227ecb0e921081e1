// Each metric against a reference computation written here in float64 (an independent form:
// top-k by sorting, argmax by indexOf), on random batches of odd sizes with forced ties; then
// through fit and evaluate, which must average per sample as Keras does (batch logs are
// running means over the samples seen, an epoch's value weights each batch by its size).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import type { Batch } from '../../src/core/batch.js';
import type { Metric } from '../../src/metrics/metric.js';
import { getMetrics } from '../../src/metrics/by-name.js';
import type { LossName } from '../../src/losses.js';
import { ConfigError, ValueError } from '../../src/errors.js';
import { useBackend } from '../helpers/backends.js';

const k = new ReferenceKernels();

function batch(values: ArrayLike<number>, rows: number, cols: number): Batch {
  const storage = k.alloc(rows * cols);
  storage.view().set(Array.from(values));
  return { storage, rows, cols };
}

const row = (values: ArrayLike<number>, i: number, cols: number): number[] => Array.from(values).slice(i * cols, (i + 1) * cols);
const firstArgmax = (r: number[]): number => r.indexOf(Math.max(...r));
const oneHotLabel = (t: number[]): number => t.indexOf(1);
/** In the top k: at least as large as the k-th largest value (so ties at the boundary are in), and finite. */
const inTopK = (r: number[], target: number, k: number): boolean =>
  Number.isFinite(r[target]) && (k >= r.length || r[target] >= [...r].sort((a, b) => b - a)[k - 1]);

/** Per-sample values m_i, in float64, straight from Keras's definitions. */
const REFERENCE: Record<string, (y: number[], t: number[], label: number) => number> = {
  categorical_accuracy: (y, t) => (firstArgmax(y) === oneHotLabel(t) ? 1 : 0),
  sparse_categorical_accuracy: (y, _t, label) => (firstArgmax(y) === label ? 1 : 0),
  binary_accuracy: (y, t) => y.reduce((s, v, j) => s + ((v > 0.5 ? 1 : 0) === t[j] ? 1 : 0), 0) / y.length,
  mse: (y, t) => y.reduce((s, v, j) => s + (v - t[j]) ** 2, 0) / y.length,
  mae: (y, t) => y.reduce((s, v, j) => s + Math.abs(v - t[j]), 0) / y.length,
  top_k_categorical_accuracy: (y, t) => (inTopK(y, oneHotLabel(t), 3) ? 1 : 0),
  sparse_top_k_categorical_accuracy: (y, _t, label) => (inTopK(y, label, 3) ? 1 : 0),
};

/** A batch case: outputs drawn from few values (so argmax and top-k meet ties), labels, one-hot and 0/1 targets. */
const batchCase = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 })).chain(([rows, cols]) =>
  fc.record({
    rows: fc.constant(rows),
    cols: fc.constant(cols),
    y: fc.array(fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), fc.float({ min: -2, max: 2, noNaN: true })), { minLength: rows * cols, maxLength: rows * cols }),
    labels: fc.array(fc.integer({ min: 0, max: cols - 1 }), { minLength: rows, maxLength: rows }),
    bits: fc.array(fc.constantFrom(0, 1), { minLength: rows * cols, maxLength: rows * cols }),
  }),
);

describe('each metric against its reference computation', () => {
  const metrics: [string, Metric, 'labels' | 'oneHot' | 'bits'][] = [
    ['categorical_accuracy', nn.metrics.categoricalAccuracy(), 'oneHot'],
    ['sparse_categorical_accuracy', nn.metrics.sparseCategoricalAccuracy(), 'labels'],
    ['binary_accuracy', nn.metrics.binaryAccuracy(), 'bits'],
    ['mse', nn.metrics.meanSquaredError(), 'bits'],
    ['mae', nn.metrics.meanAbsoluteError(), 'bits'],
    ['top_k_categorical_accuracy', nn.metrics.topKCategoricalAccuracy({ k: 3 }), 'oneHot'],
    ['sparse_top_k_categorical_accuracy', nn.metrics.sparseTopKCategoricalAccuracy({ k: 3 }), 'labels'],
  ];
  it.each(metrics)('%s: Σ_i m_i over random batches with ties', (key, metric, targets) => {
    fc.assert(fc.property(batchCase, ({ rows, cols, y, labels, bits }) => {
      const Y = Float32Array.from(y);
      const oneHot = new Float32Array(rows * cols);
      labels.forEach((label, i) => { oneHot[i * cols + label] = 1; });
      const t = targets === 'labels' ? Float32Array.from(labels) : targets === 'oneHot' ? oneHot : Float32Array.from(bits);
      let expected = 0;
      for (let i = 0; i < rows; i++) expected += REFERENCE[key](row(Y, i, cols), row(targets === 'labels' ? oneHot : t, i, cols), labels[i]);
      expect(metric.sum(batch(Y, rows, cols), batch(t, rows, targets === 'labels' ? 1 : cols))).toBeCloseTo(expected, 10);
    }), { seed: 5, numRuns: 200 });
  });

  it('hand cases: first of equal maxima, ties at the k-th place are in, NaN at the target is a miss, threshold is strict', () => {
    const y = batch([0.2, 0.5, 0.5, 0.1], 1, 4);
    expect(nn.metrics.sparseCategoricalAccuracy().sum(y, batch([1], 1, 1))).toBe(1);
    expect(nn.metrics.sparseCategoricalAccuracy().sum(y, batch([2], 1, 1))).toBe(0);
    // classes 1 and 2 tie for first: with k = 1 both are in the top 1, as TensorFlow's in_top_k decides
    expect(nn.metrics.sparseTopKCategoricalAccuracy({ k: 1 }).sum(y, batch([2], 1, 1))).toBe(1);
    expect(nn.metrics.sparseTopKCategoricalAccuracy({ k: 2 }).sum(y, batch([0], 1, 1))).toBe(0);
    expect(nn.metrics.sparseTopKCategoricalAccuracy({ k: 3 }).sum(y, batch([0], 1, 1))).toBe(1);
    expect(nn.metrics.sparseTopKCategoricalAccuracy({ k: 9 }).sum(batch([NaN, 1], 1, 2), batch([0], 1, 1))).toBe(0);
    expect(nn.metrics.binaryAccuracy().sum(batch([0.5, 0.51, 0.2], 3, 1), batch([0, 1, 0], 3, 1))).toBe(3);
    expect(nn.metrics.binaryAccuracy({ threshold: 0.1 }).sum(batch([0.5, 0.51, 0.2], 3, 1), batch([0, 1, 0], 3, 1))).toBe(1);
    expect(nn.metrics.meanSquaredError().sum(batch([1, 2, 0, 0], 2, 2), batch([0, 0, 0, 3], 2, 2))).toBe((1 + 4) / 2 + 9 / 2);
    expect(nn.metrics.meanAbsoluteError().sum(batch([1, 2, 0, 0], 2, 2), batch([0, 0, 0, 3], 2, 2))).toBe(3 / 2 + 3 / 2);
  });

  it("'accuracy' follows the loss: sparse and categorical by argmax, binary per unit at 0.5, mse binary only for one unit", () => {
    const y = batch([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], 3, 2);
    const accuracy = (loss: LossName): Metric => getMetrics(['accuracy'], loss)[0];
    expect(accuracy('sparseCategoricalCrossentropy').sum(y, batch([1, 0, 0], 3, 1))).toBe(2);
    expect(accuracy('categoricalCrossentropy').sum(y, batch([0, 1, 0, 1, 0, 1], 3, 2))).toBe(2);
    expect(accuracy('binaryCrossentropy').sum(y, batch([0, 1, 1, 1, 0, 0], 3, 2))).toBeCloseTo(2, 12);
    expect(accuracy('meanSquaredError').sum(y, batch([0, 1, 0, 1, 0, 1], 3, 2))).toBe(2); // categorical
    expect(accuracy('meanSquaredError').sum(batch([0.6, 0.4], 2, 1), batch([1, 1], 2, 1))).toBe(1); // binary
  });
});

describe('metrics by name', () => {
  it('takes snake_case and camelCase, and logs each under the name as Keras does', () => {
    const names = (identifiers: (string | Metric)[], loss: LossName = 'categoricalCrossentropy'): string[] => getMetrics(identifiers, loss).map((m) => m.name);
    expect(names(['accuracy', 'categoricalAccuracy', 'binary_accuracy', 'mse', 'meanSquaredError', 'mae', 'mean_absolute_error', 'topKCategoricalAccuracy']))
      .toEqual(['accuracy', 'categorical_accuracy', 'binary_accuracy', 'mse', 'mean_squared_error', 'mae', 'mean_absolute_error', 'top_k_categorical_accuracy']);
    expect(names(['acc', 'sparse_categorical_accuracy', 'sparseTopKCategoricalAccuracy'], 'sparseCategoricalCrossentropy'))
      .toEqual(['acc', 'sparse_categorical_accuracy', 'sparse_top_k_categorical_accuracy']);
    expect(names([nn.metrics.topKCategoricalAccuracy({ k: 2, name: 'top2' })])).toEqual(['top2']);
  });

  it('top k defaults to k = 5, as Keras', () => {
    const y = batch([6, 5, 4, 3, 2, 1], 1, 6);
    const metric = getMetrics(['sparse_top_k_categorical_accuracy'], 'sparseCategoricalCrossentropy')[0];
    expect([4, 5].map((label) => metric.sum(y, batch([label], 1, 1)))).toEqual([1, 0]);
  });

  it('refuses unknown names, non-metrics, duplicate keys, bad options and targets the loss does not take', () => {
    expect(() => getMetrics(['f1'], 'meanSquaredError')).toThrow(/unknown metric 'f1'; expected one of accuracy, acc, categorical_accuracy/);
    expect(() => getMetrics([() => 1], 'meanSquaredError')).toThrow(/metrics\[0\] must be a metric name such as 'accuracy' or a metric from nn.metrics, got a function/);
    expect(() => getMetrics(['mse', 'mse'], 'meanSquaredError')).toThrow(/two values would be logged as 'mse'/);
    expect(() => getMetrics([nn.metrics.meanSquaredError({ name: 'loss' })], 'meanSquaredError')).toThrow(ConfigError);
    expect(() => getMetrics(['categorical_accuracy'], 'sparseCategoricalCrossentropy')).toThrow(/reads targets shaped like the output, but sparseCategoricalCrossentropy takes integer class labels; use sparseCategoricalAccuracy/);
    expect(() => getMetrics(['sparseCategoricalAccuracy'], 'categoricalCrossentropy')).toThrow(/reads integer class labels, but categoricalCrossentropy takes targets shaped like the output/);
    expect(() => nn.metrics.topKCategoricalAccuracy({ k: 0 })).toThrow(ValueError);
    expect(() => nn.metrics.topKCategoricalAccuracy({ k: 2.5 })).toThrow(/topKCategoricalAccuracy: k must be a positive integer, got 2.5/);
    expect(() => nn.metrics.topKCategoricalAccuracy({ top: 3 } as never)).toThrow(ConfigError);
    expect(() => nn.metrics.binaryAccuracy({ threshold: NaN })).toThrow(/threshold must be a finite number/);
  });
});

describe('fit and evaluate average each metric per sample, as Keras does', () => {
  // 10 samples of 4 features, 3 classes; with batches of 4 the last batch holds 2, so the mean
  // of batch means would differ from the mean per sample. learningRate 0 keeps the weights, so
  // every batch sees the outputs predict gives.
  const x = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i / 10 - 0.5, ((i * 7) % 5) / 5]);
  const labels = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1];
  const oneHot = labels.map((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0)));

  for (const backend of ['reference', 'wasm'] as const) {
    it(`batch logs are running means, epoch and val_ logs and evaluate the mean over all samples (${backend})`, async () => {
      await useBackend(backend);
      const model = nn.sequential([nn.layers.dense({ units: 5, activation: 'gelu', inputShape: [4] }), nn.layers.dense({ units: 3, activation: 'softmax' })], { seed: 3 });
      const optimizer = nn.optimizers.sgd();
      optimizer.learningRate = 0; // allowed between steps (not at construction): no weight moves
      model.compile({
        optimizer,
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy', 'categoricalAccuracy', 'mse', 'mae', nn.metrics.topKCategoricalAccuracy({ k: 2 })],
      });
      const keys = ['accuracy', 'categorical_accuracy', 'mse', 'mae', 'top_k_categorical_accuracy'];
      const predicted = model.predict(x);
      const p = Array.from(predicted.data);
      predicted.dispose();
      const perSample = (key: string, i: number): number => {
        const y = row(p, i, 3);
        if (key === 'accuracy') return REFERENCE.categorical_accuracy(y, oneHot[i], labels[i]);
        if (key === 'top_k_categorical_accuracy') return inTopK(y, labels[i], 2) ? 1 : 0;
        return REFERENCE[key](y, oneHot[i], labels[i]);
      };
      const meanOver = (key: string, n: number): number => Array.from({ length: n }, (_, i) => perSample(key, i)).reduce((a, b) => a + b) / n;

      const batchLogs: Record<string, number>[] = [];
      const history = await model.fit(x, oneHot, {
        epochs: 1, batchSize: 4, shuffle: false, verbose: 0, validationData: [x, oneHot],
        callbacks: [nn.callbacks.lambda({ onBatchEnd: (_b, logs) => { batchLogs.push({ ...logs }); } })],
      });
      const tolerance = backend === 'wasm' ? 6 : 12;
      for (const key of keys) {
        for (const [step, seen] of [4, 8, 10].entries()) expect(batchLogs[step][key], `${key} after batch ${step}`).toBeCloseTo(meanOver(key, seen), tolerance);
        expect(history.history[key][0], key).toBeCloseTo(meanOver(key, 10), tolerance);
        expect(history.history[`val_${key}`][0], `val_${key}`).toBeCloseTo(meanOver(key, 10), tolerance);
      }
      // The mean of the batch means, (m(4) + m(4) + m(2))/3, is not what is logged here.
      const batchMeans = (meanOver('mae', 4) + (meanOver('mae', 8) * 8 - meanOver('mae', 4) * 4) / 4 + (meanOver('mae', 10) * 10 - meanOver('mae', 8) * 8) / 2) / 3;
      expect(Math.abs(batchMeans - history.history.mae[0])).toBeGreaterThan(1e-3);

      const result = model.evaluate(x, oneHot, { batchSize: 3 });
      expect(Object.keys(result)).toEqual([...keys, 'loss']);
      for (const key of keys) expect(result[key], key).toBeCloseTo(meanOver(key, 10), tolerance);
      model.dispose();
    });
  }

  it('sparse targets: sparse_categorical_accuracy and sparse top k equal their categorical forms on one-hot targets', async () => {
    await useBackend('reference');
    const make = (): nn.Sequential => nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })], { seed: 8 });
    const sparse = make(), dense = make();
    sparse.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['sparse_categorical_accuracy', nn.metrics.sparseTopKCategoricalAccuracy({ k: 2 })] });
    dense.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['categorical_accuracy', nn.metrics.topKCategoricalAccuracy({ k: 2 })] });
    const a = sparse.evaluate(x, labels), b = dense.evaluate(x, oneHot);
    expect(a.sparse_categorical_accuracy).toBe(b.categorical_accuracy);
    expect(a.sparse_top_k_categorical_accuracy).toBe(b.top_k_categorical_accuracy);
    expect(a.sparse_top_k_categorical_accuracy).toBeGreaterThan(a.sparse_categorical_accuracy);
    sparse.dispose();
    dense.dispose();
  });
});
