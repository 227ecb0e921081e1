/**
 * Early stopping (read src/callbacks/early-stopping.ts first).
 *
 * The overfitting network of overfitting.ts, given up to 30 epochs, with
 *
 *   earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })
 *
 * It watches validation loss after every epoch and stops once 3 epochs in a row have not
 * beaten the best one; restoreBestWeights then puts back the weights of the best epoch.
 * Stopping at the validation minimum is a regularizer that costs nothing but a validation
 * set: it keeps the weights from before the network started to memorise.
 *
 * The validation digits chose the epoch, so their loss at that epoch is a little
 * optimistic. A third set of digits that played no part (the test digits) says how the
 * restored and the last weights really compare.
 *
 *   npx tsx examples/early-stopping.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import { fitDigits, fixed, loadDigits, percent, print, runIfMain, saveChart, table, type StudyOptions } from './common.js';

export interface EarlyStoppingResult {
  /** Epochs allowed, and epochs that ran. */
  maxEpochs: number;
  epochsRun: number;
  /** Epoch (from 1) after which training stopped, or null if it ran to maxEpochs. */
  stoppedEpoch: number | null;
  /** Epoch (from 1) with the lowest validation loss: the restored weights. */
  bestEpoch: number;
  /** Validation loss that fit logged after the best epoch. */
  bestValLoss: number;
  /** Validation loss of the restored weights (evaluated again: equal to bestValLoss) and of the weights after the last epoch. */
  restoredValLoss: number;
  lastValLoss: number;
  /** Test accuracy and loss (digits not used for training or stopping) of both. */
  restoredTest: { loss: number; accuracy: number };
  lastTest: { loss: number; accuracy: number };
  /** The same model trained for all maxEpochs without early stopping. */
  fullValLoss: number;
  fullTest: { loss: number; accuracy: number };
}

export async function run(options: StudyOptions = {}): Promise<EarlyStoppingResult> {
  const quick = options.quick ?? false;
  const size = quick ? 300 : 1000;
  const digits = await loadDigits(size, 2 * size);
  // Half of the held-out digits validate (and choose the epoch), the other half test.
  const { xTrain: xVal, yTrain: yVal, xTest, yTest } = nn.data.trainTestSplit(digits.validation.x, digits.validation.y, { testSize: 0.5, seed: 0 });
  digits.validation = { ...digits.validation, x: xVal, y: yVal, n: yVal.length };
  const maxEpochs = quick ? 20 : 30;
  const units = quick ? 128 : 512;
  const build = (): nn.Sequential => {
    const model = nn.sequential([
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units, activation: 'relu' }),
      nn.layers.dense({ units, activation: 'relu' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ], { seed: 42 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  };
  const model = build();

  // A callback listed before earlyStopping sees the end of training first: it keeps the
  // last weights before earlyStopping's onTrainEnd restores the best ones.
  let lastWeights: nn.Tensor[] = [];
  const keepLast: nn.Callback = { onTrainEnd: () => { lastWeights = model.getWeights(); } };
  const stopper = nn.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
  const history = await fitDigits(model, digits, maxEpochs, [keepLast, stopper]);

  const restoredValLoss = model.evaluate(xVal, yVal).loss;
  const restoredTest = accuracyAndLoss(model.evaluate(xTest, yTest));
  model.setWeights(lastWeights);
  const lastValLoss = model.evaluate(xVal, yVal).loss;
  const lastTest = accuracyAndLoss(model.evaluate(xTest, yTest));
  for (const w of lastWeights) w.dispose();
  model.dispose();

  // For comparison, the same model (same seed: the same first epochs) without the callback.
  const full = build();
  await fitDigits(full, digits, maxEpochs);
  const fullValLoss = full.evaluate(xVal, yVal).loss;
  const fullTest = accuracyAndLoss(full.evaluate(xTest, yTest));
  full.dispose();

  const { loss, val_loss: valLoss } = history.history;
  const bestEpoch = history.bestEpoch! + 1;
  const stoppedEpoch = history.stoppedEpoch === null ? null : history.stoppedEpoch + 1;
  print(options, [`Early stopping (patience 3): ${digits.train.n} training, ${yVal.length} validation, ${yTest.length} test digits, at most ${maxEpochs} epochs`, '']);
  print(options, table(
    ['epoch', 'loss', 'val_loss', ''],
    loss.map((_, e) => [String(e + 1), fixed(loss[e]), fixed(valLoss[e]),
      e + 1 === bestEpoch ? '<- best: these weights are restored' : e + 1 === stoppedEpoch ? `<- ${e + 1 - bestEpoch} epochs without improvement: stop` : '']),
  ));
  print(options, [
    '',
    stoppedEpoch === null ? `It ran all ${maxEpochs} epochs; the best was epoch ${bestEpoch}.` : `Stopped after epoch ${stoppedEpoch} of ${maxEpochs}; the best was epoch ${bestEpoch}.`,
    '',
  ]);
  print(options, table(
    ['weights', 'val loss', 'test loss', 'test accuracy'],
    [
      [`restored (epoch ${bestEpoch})`, fixed(restoredValLoss), fixed(restoredTest.loss), percent(restoredTest.accuracy)],
      [`last (epoch ${loss.length})`, fixed(lastValLoss), fixed(lastTest.loss), percent(lastTest.accuracy)],
      [`no early stopping (epoch ${maxEpochs})`, fixed(fullValLoss), fixed(fullTest.loss), percent(fullTest.accuracy)],
    ],
  ));
  const epochAxis = loss.map((_, e) => e + 1);
  await saveChart(options, 'early-stopping', lineChart({
    title: 'Early stopping: where it stops, and which weights it keeps',
    subtitle: `earlyStopping({ patience: 3, restoreBestWeights: true }), at most ${maxEpochs} epochs`,
    xTitle: 'epoch', xIntegers: true, yTitle: 'loss',
    series: [{ name: 'training loss', x: epochAxis, y: loss }, { name: 'validation loss', x: epochAxis, y: valLoss }],
    rules: [
      { x: bestEpoch, label: 'best: restored' },
      ...(stoppedEpoch !== null && stoppedEpoch !== bestEpoch ? [{ x: stoppedEpoch, label: 'stop' }] : []),
    ],
  }));
  return { maxEpochs, epochsRun: loss.length, stoppedEpoch, bestEpoch, bestValLoss: valLoss[bestEpoch - 1], restoredValLoss, lastValLoss, restoredTest, lastTest, fullValLoss, fullTest };
}

function accuracyAndLoss(result: Record<string, number>): { loss: number; accuracy: number } {
  return { loss: result.loss, accuracy: result.accuracy };
}

runIfMain(import.meta.url, run);
