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
import { argmin, fitDigits, fixed, mlp, percent, print, runIfMain, startStudy, table, type StudyOptions } from './common.js';

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
  const variants = [
    { name: 'no dropout' },
    { name: 'dropout (inverted)', inputDropout: 0.2, dropout: 0.5, dropoutVariant: 'inverted' as const },
    { name: 'dropout (classic)', inputDropout: 0.2, dropout: 0.5, dropoutVariant: 'classic' as const },
  ];

  const runs: DropoutRun[] = [];
  for (const { name, ...variant } of variants) {
    const model = mlp({ hidden, optimizer: nn.optimizers.adam({ learningRate: 1e-3 }), ...variant });
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
  return runs;
}

runIfMain(import.meta.url, run);
