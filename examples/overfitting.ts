/**
 * Overfitting, seen epoch by epoch.
 *
 * A network with far more weights than training samples (784-512-512-10: 670,000 weights
 * for 1,000 digits) and no regularization at all. Training loss falls towards 0 as the
 * network memorises its training set; validation loss falls for a few epochs, then turns
 * up: from there on, what the network learns is specific to the training digits.
 * The gap between training and validation accuracy is how much it memorised.
 *
 * The training columns are what fit logs: means over the epoch's batches, while the
 * weights were still moving (as Keras reports them); that is why the first epoch's training
 * accuracy is below its validation accuracy, which is measured after the epoch.
 *
 *   npx tsx examples/overfitting.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import { argmin, fitDigits, fixed, percent, print, runIfMain, saveChart, startStudy, table, type StudyOptions } from './common.js';

export interface OverfittingResult {
  /** Per-epoch training and validation loss and accuracy. */
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
  /** Epoch (from 1) with the lowest validation loss: after it, validation loss turned up. */
  bestEpoch: number;
  /** Training accuracy − validation accuracy after the last epoch. */
  finalGap: number;
}

export async function run(options: StudyOptions = {}): Promise<OverfittingResult> {
  const { quick, digits, hidden } = await startStudy(options);
  const epochs = quick ? 12 : 20;
  const model = nn.sequential([
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units: hidden[0], activation: 'relu' }),
    nn.layers.dense({ units: hidden[1], activation: 'relu' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 42 });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await fitDigits(model, digits, epochs);
  model.dispose();

  const { loss, accuracy, val_loss: valLoss, val_accuracy: valAccuracy } = history.history;
  const best = argmin(valLoss);
  print(options, [`Overfitting: ${digits.train.n} training digits, ${digits.validation.n} validation digits, no regularization`, '']);
  print(options, table(
    ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'gap (acc)', ''],
    loss.map((_, e) => [
      String(e + 1), fixed(loss[e]), percent(accuracy[e]), fixed(valLoss[e]), percent(valAccuracy[e]),
      percent(accuracy[e] - valAccuracy[e]), e === best ? '<- lowest val_loss' : '',
    ]),
  ));
  const finalGap = accuracy[epochs - 1] - valAccuracy[epochs - 1];
  print(options, [
    '',
    best < epochs - 1
      ? `Validation loss was lowest after epoch ${best + 1} (${fixed(valLoss[best])}) and turned up after it, ` +
        `ending at ${fixed(valLoss[epochs - 1])} while training loss fell to ${fixed(loss[epochs - 1])}.`
      : `Validation loss was still falling after epoch ${epochs}.`,
    `Final gap: ${percent(accuracy[epochs - 1])} training vs ${percent(valAccuracy[epochs - 1])} validation accuracy (${percent(finalGap)}).`,
  ]);
  const epochAxis = loss.map((_, e) => e + 1);
  await saveChart(options, 'overfitting', lineChart({
    title: 'Overfitting: training vs validation loss',
    subtitle: `${hidden.join('-')} relu network, ${digits.train.n} training digits, no regularization`,
    xTitle: 'epoch', xIntegers: true, yTitle: 'loss (log scale)', yScale: 'log',
    series: [{ name: 'training loss', x: epochAxis, y: loss }, { name: 'validation loss', x: epochAxis, y: valLoss }],
    rules: [{ x: best + 1, label: 'lowest validation loss' }],
  }));
  return { loss, accuracy, valLoss, valAccuracy, bestEpoch: best + 1, finalGap };
}

runIfMain(import.meta.url, run);
