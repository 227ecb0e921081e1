/**
 * Dropout, side by side with no dropout (read src/layers/dropout.ts first).
 *
 * The big network of overfitting.ts, three times, from the same initial weights and the
 * same batch order:
 *   - no dropout;
 *   - inverted dropout (Keras's, the default): survivors scaled by 1/(1-rate) in training,
 *     the identity at inference;
 *   - classic dropout (the original paper's): no scaling in training, outputs multiplied by
 *     1-rate at inference.
 * The rates are those Hinton et al. (2012) used on MNIST: 0.2 on the input pixels, 0.5 after
 * each hidden layer. Dropout keeps the network from memorising through any particular unit
 * or pixel: it still fits the training digits, but validation loss stops turning up.
 *
 * Training accuracy here is measured after training, in inference mode (model.evaluate on
 * the training digits). The per-epoch `accuracy` that fit logs is measured with dropout on,
 * on a thinned network, and would understate how well the full network fits.
 *
 *   npx tsx examples/dropout.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import { argmin, fitDigits, fixed, percent, print, runIfMain, saveChart, startFromPlainWeights, startStudy, table, type StudyOptions } from './common.js';

export interface DropoutRun {
  name: string;
  /** Accuracy on the training digits, in inference mode, after the last epoch. */
  trainAccuracy: number;
  valAccuracy: number;
  /** trainAccuracy − valAccuracy. */
  gap: number;
  /** Validation loss after each epoch. */
  valLoss: number[];
  /** Epoch (from 1) with the lowest validation loss. */
  bestEpoch: number;
}

export async function run(options: StudyOptions = {}): Promise<DropoutRun[]> {
  const { quick, digits, hidden } = await startStudy(options);
  const epochs = quick ? 20 : 24;
  // Hinton et al.'s rates: 0.2 on the input pixels, 0.5 after each hidden layer.
  const withDropout = (variant: 'inverted' | 'classic'): nn.layers.Layer[] => [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dropout({ rate: 0.2, variant }),
    nn.layers.dense({ units: hidden[0], activation: 'relu' }),
    nn.layers.dropout({ rate: 0.5, variant }),
    nn.layers.dense({ units: hidden[1], activation: 'relu' }),
    nn.layers.dropout({ rate: 0.5, variant }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ];
  const variants = [
    {
      name: 'no dropout',
      layers: (): nn.layers.Layer[] => [
        nn.layers.flatten({ inputShape: [28, 28] }),
        nn.layers.dense({ units: hidden[0], activation: 'relu' }),
        nn.layers.dense({ units: hidden[1], activation: 'relu' }),
        nn.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    },
    { name: 'dropout (inverted)', layers: () => withDropout('inverted') },
    { name: 'dropout (classic)', layers: () => withDropout('classic') },
  ];

  const runs: DropoutRun[] = [];
  for (const { name, layers } of variants) {
    // The same initial Dense weights in all three, though dropout layers shift their positions.
    const model = startFromPlainWeights(nn.sequential(layers(), { seed: 42 }));
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await fitDigits(model, digits, epochs);
    const trainAccuracy = model.evaluate(digits.train.x, digits.train.y).accuracy;
    const valAccuracy = model.evaluate(digits.validation.x, digits.validation.y).accuracy;
    model.dispose();
    const valLoss = history.history.val_loss;
    runs.push({ name, trainAccuracy, valAccuracy, gap: trainAccuracy - valAccuracy, valLoss, bestEpoch: argmin(valLoss) + 1 });
  }

  print(options, [
    `Dropout: ${hidden.join('-')} relu network, ${digits.train.n} training digits, ${epochs} epochs of Adam 1e-3;`,
    'dropout 0.2 on the pixels and 0.5 after each hidden layer.', '', 'Validation loss after each epoch:',
  ]);
  const shown = [...Array(epochs).keys()].filter((e) => e % 2 === 1 || e === 0);
  print(options, table(['epoch', ...runs.map((r) => r.name)], shown.map((e) => [String(e + 1), ...runs.map((r) => fixed(r.valLoss[e]))])));
  print(options, ['', `After epoch ${epochs}:`]);
  print(options, table(
    ['model', 'train accuracy', 'val accuracy', 'gap', 'lowest val loss (epoch)', 'last val loss'],
    runs.map((r) => [r.name, percent(r.trainAccuracy), percent(r.valAccuracy), percent(r.gap), `${fixed(r.valLoss[r.bestEpoch - 1])} (${r.bestEpoch})`, fixed(r.valLoss[epochs - 1])]),
  ));
  const [none, inverted] = runs;
  print(options, [
    '',
    `Validation loss was lowest at epoch ${none.bestEpoch} without dropout and at epoch ${inverted.bestEpoch} with it (inverted), ` +
      `${fixed(none.valLoss[none.bestEpoch - 1])} vs ${fixed(inverted.valLoss[inverted.bestEpoch - 1])}.`,
    `Gap between training and validation accuracy: ${percent(none.gap)} without dropout, ${percent(inverted.gap)} with it.`,
  ]);
  await saveChart(options, 'dropout', lineChart({
    title: 'Validation loss, with and without dropout',
    subtitle: `${hidden.join('-')} relu network, ${digits.train.n} training digits; dropout 0.2 on the pixels, 0.5 after each hidden layer`,
    xTitle: 'epoch', xIntegers: true, yTitle: 'validation loss',
    series: runs.map((r) => ({ name: r.name, x: r.valLoss.map((_, e) => e + 1), y: r.valLoss })),
  }));
  return runs;
}

runIfMain(import.meta.url, run);
