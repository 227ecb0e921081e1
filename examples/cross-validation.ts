/**
 * Splits and k-fold cross-validation (read src/data/split.ts and src/data/crossval.ts).
 *
 * 1. trainTestSplit(..., { stratify: true }) puts 20% of the digits aside as a test set, to
 *    be touched once at the very end, and then splits the rest into training and
 *    validation parts; each part keeps the class proportions of the whole.
 * 2. One training/validation split gives one estimate of accuracy, and a different split
 *    would give another. 5-fold cross-validation trains five fresh models, each holding out
 *    a different fifth of the development digits, and reports the mean and the spread.
 * 3. The final model trains on all the development digits and is scored once on the test
 *    set, which the choices above never saw.
 *
 * Every model starts from the same weights (same seed), so the differences between folds
 * come from the data alone.
 *
 *   npx tsx examples/cross-validation.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import { fixed, percent, print, runIfMain, saveChart, table, useBackend, type StudyOptions } from './common.js';

export interface CrossValidationStudy {
  /** Digits in each part. */
  sizes: { train: number; validation: number; test: number };
  /** Accuracy on the validation part of the single split. */
  singleSplitAccuracy: number;
  /** Held-out accuracy of each fold, their mean and population std. */
  foldAccuracies: number[];
  meanAccuracy: number;
  stdAccuracy: number;
  /** Accuracy on the test set of a model trained on all development digits. */
  testAccuracy: number;
}

export async function run(options: StudyOptions = {}): Promise<CrossValidationStudy> {
  const quick = options.quick ?? false;
  await useBackend();
  const { train: all } = await nn.data.loadMnist({ trainSize: quick ? 500 : 1500, testSize: 0, seed: 1 });
  const units = quick ? 64 : 256;
  const fit: nn.FitOptions = { epochs: quick ? 5 : 10, batchSize: 32, verbose: 0 };
  const build = (): nn.Sequential => {
    const model = nn.sequential([
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units, activation: 'relu' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ], { seed: 42 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  };

  // 1. test set aside, then training / validation.
  const outer = nn.data.trainTestSplit(all.x, all.y, { testSize: 0.2, stratify: true, seed: 7 });
  const inner = nn.data.trainTestSplit(outer.xTrain, outer.yTrain, { testSize: 0.25, stratify: true, seed: 7 });
  const parts = { train: inner.yTrain, validation: inner.yTest, test: outer.yTest };
  print(options, [`Cross-validation: ${all.n} digits, a ${units} relu network, ${fit.epochs} epochs of Adam 1e-3`, '', 'Digits of each class in each part (stratified):']);
  print(options, table(
    ['part', 'n', ...Array.from({ length: 10 }, (_, c) => String(c))],
    Object.entries(parts).map(([name, y]) => [name, String(y.length), ...classCounts(y).map(String)]),
  ));

  // 2a. One split: train on the training part, score on the validation part.
  const single = build();
  await single.fit(inner.xTrain, inner.yTrain, fit);
  const singleSplitAccuracy = single.evaluate(inner.xTest, inner.yTest).accuracy;
  single.dispose();

  // 2b. 5-fold cross-validation over the development digits (training + validation).
  const cv = await nn.data.crossValidate(build, outer.xTrain, outer.yTrain, { k: 5, stratify: true, seed: 7, fit });
  const foldAccuracies = cv.folds.map((f) => f.accuracy!);
  print(options, ['', `One training/validation split: ${percent(singleSplitAccuracy)} validation accuracy.`, '', '5-fold cross-validation on the development digits:']);
  print(options, table(
    ['fold', 'trained on', 'held out', 'loss', 'accuracy'],
    cv.folds.map((f) => [String(f.fold + 1), String(f.trainSize), String(f.testSize), fixed(f.loss), percent(f.accuracy!)]),
  ));
  const meanAccuracy = cv.mean.accuracy!, stdAccuracy = cv.std.accuracy!;
  print(options, `Accuracy ${percent(meanAccuracy)} ± ${percent(stdAccuracy)} (mean ± std over folds); the folds range from ${percent(Math.min(...foldAccuracies))} to ${percent(Math.max(...foldAccuracies))}.`);

  // 3. The final model, on all development digits; the test set, once.
  const final = build();
  await final.fit(outer.xTrain, outer.yTrain, fit);
  const testAccuracy = final.evaluate(outer.xTest, outer.yTest).accuracy;
  final.dispose();
  print(options, ['', `Trained on all ${outer.yTrain.length} development digits: ${percent(testAccuracy)} on the ${outer.yTest.length} test digits.`]);

  await saveChart(options, 'cross-validation', lineChart({
    title: '5-fold cross-validation: held-out accuracy of each fold',
    subtitle: `${outer.yTrain.length} development digits; the dashed lines: the folds' mean and the final test score`,
    xTitle: 'fold', xIntegers: true, yTitle: 'accuracy', yFormat: '.0%', points: true,
    series: [{ name: 'held-out fold', x: foldAccuracies.map((_, i) => i + 1), y: foldAccuracies }],
    rules: [{ y: meanAccuracy, label: `mean ${percent(meanAccuracy)}` }, { y: testAccuracy, label: `test ${percent(testAccuracy)}`, labelAt: 'start' }],
  }));
  return {
    sizes: { train: parts.train.length, validation: parts.validation.length, test: parts.test.length },
    singleSplitAccuracy, foldAccuracies, meanAccuracy, stdAccuracy, testAccuracy,
  };
}

/** How many labels of each digit 0..9. */
function classCounts(labels: Float32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

runIfMain(import.meta.url, run);
