/**
 * L1 vs L2 weight penalties (read src/regularizers.ts first).
 *
 *   L1: loss + λ·Σ|w|    gradient λ·sign(w): the same pull towards 0 whatever the size of w,
 *                        so a weight the data does not defend reaches 0 and stays there.
 *   L2: loss + λ·Σw²     gradient 2λ·w: a pull proportional to w, which shrinks every weight
 *                        by a factor per step but slows down near 0 and never quite gets there.
 *
 * Four copies of the big network (same initial weights, same batches): no penalty, L1 and L2
 * at the same λ, and L2 ten times stronger. For each, validation accuracy, the fraction of
 * kernel weights with |w| < 1e-3, mean |w|, a histogram of the first layer's weights, and
 * a map of how many of each pixel's weights are still in use. Under L1 the always-blank
 * border of the digits drops out: the network learns to ignore those pixels.
 *
 * The optimizer is SGD with momentum, where a penalty's gradient acts as the formulas say.
 * Adam divides every gradient by its running size, the penalty's included, which changes
 * what L2 does (see adamw.ts).
 *
 *   npx tsx examples/l1-vs-l2.ts
 */

import * as nn from 'wasmnn';
import { weightHistograms } from 'wasmnn/viz';
import {
  denseKernels, fitDigits, fixed, histogram, percent, pixelWeights, print, runIfMain, saveChart, startStudy, table, weightStats,
  type Regularizer, type StudyOptions,
} from './common.js';

export interface PenaltyRun {
  name: string;
  valAccuracy: number;
  /** Fraction of all kernel weights with |w| < 1e-3. */
  nearZero: number;
  /** mean |w| over all kernel weights. */
  meanAbs: number;
  /** Pixels with more than 90% of their first-layer weights near 0: pixels the network stopped looking at. */
  droppedPixels: number;
  /** The penalty (λ·Σ|w| or λ·Σw²) after the last epoch; 0 without one. */
  penalty: number;
}

export async function run(options: StudyOptions = {}): Promise<PenaltyRun[]> {
  const { quick, digits, hidden } = await startStudy(options);
  const epochs = quick ? 10 : 20;
  const lambda = quick ? 1e-3 : 2e-4; // the quick run takes fewer steps, so it pulls harder
  const penalties: { name: string; regularizer: Regularizer | null }[] = [
    { name: 'none', regularizer: null },
    { name: `L1 ${lambda}`, regularizer: nn.regularizers.l1(lambda) },
    { name: `L2 ${lambda}`, regularizer: nn.regularizers.l2(lambda) },
    { name: `L2 ${10 * lambda}`, regularizer: nn.regularizers.l2(10 * lambda) },
  ];

  const runs: PenaltyRun[] = [];
  const maps: string[][] = [];
  const histograms: string[][] = [];
  const firstLayers: Float32Array[] = [];
  for (const { name, regularizer } of penalties) {
    // The penalty on every Dense kernel (null: none).
    const model = nn.sequential([
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units: hidden[0], activation: 'relu', kernelRegularizer: regularizer }),
      nn.layers.dense({ units: hidden[1], activation: 'relu', kernelRegularizer: regularizer }),
      nn.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: regularizer }),
    ], { seed: 42 });
    model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await fitDigits(model, digits, epochs);
    const valAccuracy = model.evaluate(digits.validation.x, digits.validation.y).accuracy;
    const all = denseKernels(model);
    const { nearZero, meanAbs } = weightStats(all);
    const pixels = pixelWeights(all[0]).map((row) => weightStats([row]).nearZero); // per pixel: fraction of its weights near 0
    runs.push({ name, valAccuracy, nearZero, meanAbs, droppedPixels: pixels.filter((z) => z > 0.9).length, penalty: history.history.regularization_loss?.[epochs - 1] ?? 0 });
    maps.push(pixelMap(pixels));
    histograms.push(histogram(all[0], 0.09));
    firstLayers.push(all[0].slice());
    model.dispose();
  }

  print(options, [`L1 vs L2: ${hidden.join('-')} relu network, ${digits.train.n} training digits, ${epochs} epochs of SGD (lr 0.05, momentum 0.9)`, '']);
  print(options, table(
    ['penalty', 'val accuracy', '|w| < 1e-3', 'mean |w|', 'pixels dropped', 'penalty value'],
    runs.map((r) => [r.name, percent(r.valAccuracy), percent(r.nearZero), fixed(r.meanAbs), `${r.droppedPixels} of 784`, fixed(r.penalty)]),
  ));
  for (const [i, r] of runs.entries()) print(options, ['', `First-layer weights, ${r.name}:`, ...histograms[i]]);
  // The maps of L1 and of the strong L2, side by side: both shrank the weights, only L1 zeroed them.
  const [, l1, , l2] = runs;
  print(options, [
    '', `Which pixels the first layer uses: darker = more of the pixel's ${hidden[0]} weights have |w| ≥ 1e-3`,
    `(blank: under 10%; "pixels dropped" counts those). Left ${l1.name}, right ${l2.name}:`,
    ...maps[1].map((line, row) => `  ${line}    ${maps[3][row]}`),
  ]);
  await saveChart(options, 'l1-vs-l2', weightHistograms({
    title: 'First-layer weights after training',
    subtitle: `SGD with momentum, ${epochs} epochs; share of all kernel weights with |w| < 1e-3: ${runs.map((r) => `${r.name} ${percent(r.nearZero)}`).join(', ')}`,
    runs: runs.map((r, i) => ({ name: r.name, values: firstLayers[i] })),
    width: 170, height: 150,
  }));
  return runs;
}

/** 28 lines of 28 characters, darker where more of a pixel's weights are in use (|w| ≥ 1e-3). */
function pixelMap(nearZero: number[]): string[] {
  const ramp = ' .:-=+*#%@';
  const char = (z: number): string => ramp[Math.min(ramp.length - 1, Math.floor((1 - z) * ramp.length))];
  return Array.from({ length: 28 }, (_, row) => nearZero.slice(row * 28, row * 28 + 28).map(char).join(''));
}

runIfMain(import.meta.url, run);
