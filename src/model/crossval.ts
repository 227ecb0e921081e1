/**
 * K-fold cross-validation of a model-building function:
 *
 *   for f in 0..k-1:  model_f = buildModel(f), fit on every fold but f, evaluate on fold f
 *   mean = (1/k)·Σ_f score_f          std = sqrt((1/k)·Σ_f (score_f - mean)²)
 *
 * std is the population standard deviation (divide by k), as numpy's np.std and
 * scikit-learn's reports use; multiply by sqrt(k/(k-1)) for the sample one.
 *
 * Each fold trains a fresh model, so no weights, optimizer state or early-stopping memory
 * leak from one fold into the next; each model is disposed once its fold is scored.
 */

import type { FitOptions, Sequential } from './sequential.js';
import type { History } from '../callbacks/history.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { ConfigError, ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import { kFold, stratifiedKFold, type Fold } from '../data/kfold.js';
import { classLabels, pairedCount, takeRowsOf, type Rows } from '../data/rows.js';
import { isPixels } from '../data/pixels.js';
import type { ModelInput } from './data.js';

export interface CrossValidateOptions {
  /** Number of folds (default 5). */
  k?: number;
  /** Shuffle the samples before cutting the folds (default true, unlike kFold, since data often comes sorted by class). */
  shuffle?: boolean;
  /** Seed of the fold shuffle (default 0). Seed the models through buildModel. */
  seed?: number;
  /** Keep y's class proportions in every fold (default false); y must be class labels or one-hot rows. */
  stratify?: boolean;
  /** Values per sample of a flat x (see trainTestSplit's rowSize). */
  rowSize?: number;
  /** Options for each model's fit (epochs, batchSize, verbose, callbacks, ...). */
  fit?: FitOptions;
  /** Batch size of each fold's evaluate (default: evaluate's, 32). */
  evaluateBatchSize?: number;
}

/** The score of one fold. */
export interface FoldResult {
  /** Fold number, 0..k-1. */
  fold: number;
  /** Loss on the held-out fold (penalties included, as evaluate reports it). */
  loss: number;
  /** Accuracy on the held-out fold, when the model was compiled with metrics: ['accuracy']. */
  accuracy?: number;
  /** Everything evaluate returned for the held-out fold. */
  metrics: Record<string, number>;
  /** The History of this fold's fit. */
  history: History;
  /** Number of training and of held-out samples. */
  trainSize: number;
  testSize: number;
}

/** Per-metric summary over folds: { loss, accuracy? } (and any other metric evaluate returns). */
export type FoldSummary = { loss: number; accuracy?: number } & Record<string, number>;

export interface CrossValidationResult {
  folds: FoldResult[];
  /** Mean of each metric over the folds. */
  mean: FoldSummary;
  /** Population standard deviation (÷k, as np.std) of each metric over the folds. */
  std: FoldSummary;
}

const DEFAULTS = { k: 5, shuffle: true, seed: 0, stratify: false };

/**
 * Trains and scores a fresh model per fold. `buildModel(fold)` must return a new compiled
 * Sequential (or a promise of one) each call. x and y take the kinds trainTestSplit takes;
 * each fold's rows are copied, so the inputs are never changed.
 */
export async function crossValidate(
  buildModel: (fold: number) => Sequential | Promise<Sequential>,
  x: Rows,
  y: Rows,
  options: CrossValidateOptions = {},
): Promise<CrossValidationResult> {
  if (typeof buildModel !== 'function') throw new ConfigError(`crossValidate: buildModel must be a function (fold) => compiled model, got ${typeof buildModel}`);
  checkOptions<CrossValidateOptions>('crossValidate', options, {
    k: 'number', shuffle: 'boolean', seed: 'number', stratify: 'boolean', rowSize: 'number', fit: 'object', evaluateBatchSize: 'number',
  });
  const { k, shuffle, seed, stratify } = { ...DEFAULTS, ...options };
  if (typeof stratify !== 'boolean') throw new ValueError(`crossValidate: stratify must be true or false, got ${String(stratify)}`);
  const n = pairedCount(x, y, options.rowSize, 'crossValidate');
  const folds: Fold[] = stratify ? stratifiedKFold(classLabels(y, n, 'crossValidate: y'), { k, shuffle, seed }) : kFold(n, { k, shuffle, seed });
  const seen = new WeakSet<object>();
  const results: FoldResult[] = [];

  for (let f = 0; f < folds.length; f++) {
    const { train, test } = folds[f];
    const model = await buildModel(f);
    if (model === null || typeof model !== 'object' || typeof model.fit !== 'function' || typeof model.evaluate !== 'function') {
      throw new ConfigError(`crossValidate: buildModel(${f}) must return a compiled model, got ${model === null ? 'null' : typeof model}`);
    }
    if (seen.has(model)) throw new ConfigError(`crossValidate: buildModel(${f}) returned a model it returned before; build a fresh one per fold`);
    seen.add(model);
    // Copies of the fold's rows, of the same kinds as x and y; Tensors among them are freed below.
    const [xTrain, xTest] = [takeRowsOf(x, train, n), takeRowsOf(x, test, n)].map(asModelInput);
    const [yTrain, yTest] = [takeRowsOf(y, train, n), takeRowsOf(y, test, n)].map(asTargets);
    const parts = [xTrain, yTrain, xTest, yTest];
    try {
      const history = await model.fit(xTrain, yTrain, options.fit ?? {});
      const evaluateOptions = options.evaluateBatchSize === undefined ? {} : { batchSize: options.evaluateBatchSize };
      const metrics = model.evaluate(xTest, yTest, evaluateOptions);
      const result: FoldResult = { fold: f, loss: metrics.loss, metrics, history, trainSize: train.length, testSize: test.length };
      if (metrics.accuracy !== undefined) result.accuracy = metrics.accuracy;
      results.push(result);
    } finally {
      for (const part of parts) if (part instanceof Tensor) part.dispose();
      model.dispose();
    }
  }
  return { folds: results, ...summarize(results.map((r) => r.metrics)) };
}

/** fit reads inputs as Tensors, Float32Arrays, arrays and Pixels: other typed arrays become Float32Arrays. */
function asModelInput(rows: Rows): ModelInput {
  return isPixels(rows) ? rows : asTargets(rows);
}

/** fit reads targets as Tensors, Float32Arrays and arrays: other typed arrays (Int32Array labels) become Float32Arrays. */
function asTargets(rows: Rows): TensorLike {
  if (rows instanceof Tensor || rows instanceof Float32Array || Array.isArray(rows)) return rows;
  return Float32Array.from(isPixels(rows) ? rows.pixels : rows);
}

/** Mean and population std of every metric: mean = Σs/k, std = sqrt(Σ(s - mean)²/k). */
function summarize(scores: Record<string, number>[]): { mean: FoldSummary; std: FoldSummary } {
  const mean: Record<string, number> = {}, std: Record<string, number> = {};
  for (const name of Object.keys(scores[0])) {
    const values = scores.map((s) => s[name]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[name] = m;
    std[name] = Math.sqrt(values.reduce((a, v) => a + (v - m) * (v - m), 0) / values.length);
  }
  return { mean: mean as FoldSummary, std: std as FoldSummary };
}
