/**
 * Adam + L2 penalty vs AdamW's decoupled weight decay (read src/optimizers/adamw.ts first).
 *
 * With plain SGD an L2 penalty λ·Σw² and weight decay are the same thing: the penalty's
 * gradient 2λw shrinks every weight by the factor (1 - lr·2λ) per step, so weightDecay = 2λ
 * is "the same strength". With Adam they part ways, because Adam divides each weight's
 * whole gradient, penalty included, by that weight's running gradient size:
 *
 *   - a weight the data never pushes (its gradient is only 2λw) takes full-size steps of
 *     about lr towards 0, however small λ is;
 *   - a weight with large data gradients barely feels the penalty.
 *
 * AdamW applies the decay outside the adaptive step, w ← w - lr·weightDecay·w, so every
 * weight shrinks by the same factor (1 - lr·weightDecay) per step.
 *
 * MNIST has a clean test of this: 28×28 pixels of which the border is blank in every
 * training digit. The first-layer weights of a blank pixel get no data gradient at all, so
 * only the regularizer moves them. We compare their size after training to their size at
 * the start, next to the weights of the pixels with ink.
 *
 *   npx tsx examples/adamw.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import {
  denseKernels, fitDigits, fixed, percent, pixelWeights, print, runIfMain, saveChart, startStudy, table, weightStats,
  type Optimizer, type Regularizer, type StudyOptions,
} from './common.js';

export interface AdamWRun {
  name: string;
  /** AdamW's weightDecay (0 for Adam). */
  weightDecay: number;
  valAccuracy: number;
  valLoss: number;
  /** ‖W‖₂ over all Dense kernels after training. */
  kernelNorm: number;
  /** ‖first-layer weights of blank pixels‖ after / before training. */
  blankRatio: number;
  /** The same for pixels with ink. */
  inkRatio: number;
  /** (1 - lr·weightDecay)^steps: what decoupled decay alone does to a weight in that time. */
  decayFactor: number;
  /** blankRatio after each epoch. */
  blankRatioByEpoch: number[];
}

/** Adam's step size in every run, and the L2 factor λ whose SGD-equivalent decay is 2λ. */
const learningRate = 1e-3;
const lambda = 1e-4;

export async function run(options: StudyOptions = {}): Promise<AdamWRun[]> {
  const { quick, digits, hidden } = await startStudy(options);
  const epochs = quick ? 10 : 20;
  const steps = epochs * Math.ceil(digits.train.n / 32);
  const blank = blankPixels(digits.train.x.pixels, digits.train.n);

  const setups: { name: string; optimizer: () => Optimizer; weightDecay: number; regularizer?: Regularizer }[] = [
    { name: 'Adam', optimizer: () => nn.optimizers.adam({ learningRate }), weightDecay: 0 },
    { name: `Adam + L2 ${lambda}`, optimizer: () => nn.optimizers.adam({ learningRate }), weightDecay: 0, regularizer: nn.regularizers.l2(lambda) },
    ...[2 * lambda, 0.2, 1].map((weightDecay) => ({
      name: `AdamW ${weightDecay}${weightDecay === 2 * lambda ? ' (= 2λ)' : ''}`,
      optimizer: () => nn.optimizers.adamw({ learningRate, weightDecay }),
      weightDecay,
    })),
  ];

  const runs: AdamWRun[] = [];
  for (const setup of setups) {
    const regularizer = setup.regularizer ?? null; // Adam + L2: the penalty on every Dense kernel
    const model = nn.sequential([
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units: hidden[0], activation: 'relu', kernelRegularizer: regularizer }),
      nn.layers.dense({ units: hidden[1], activation: 'relu', kernelRegularizer: regularizer }),
      nn.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: regularizer }),
    ], { seed: 42 });
    model.compile({ optimizer: setup.optimizer(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const before = pixelNorms(denseKernels(model)[0], blank);
    const blankRatioByEpoch: number[] = [];
    const watch: nn.Callback = { onEpochEnd: () => void blankRatioByEpoch.push(pixelNorms(denseKernels(model)[0], blank).blank / before.blank) };
    await fitDigits(model, digits, epochs, [watch]);
    const after = pixelNorms(denseKernels(model)[0], blank);
    const { accuracy: valAccuracy, loss: valLoss } = model.evaluate(digits.validation.x, digits.validation.y);
    runs.push({
      name: setup.name, weightDecay: setup.weightDecay, valAccuracy, valLoss,
      kernelNorm: weightStats(denseKernels(model)).norm,
      blankRatio: after.blank / before.blank,
      inkRatio: after.ink / before.ink,
      decayFactor: (1 - learningRate * setup.weightDecay) ** steps, // w ← (1 - lr·wd)·w, once per step
      blankRatioByEpoch,
    });
    model.dispose();
  }

  print(options, [
    `Adam + L2 vs AdamW: ${hidden.join('-')} relu network, ${digits.train.n} training digits, ${epochs} epochs (${steps} steps) at lr ${learningRate};`,
    `${blank.filter(Boolean).length} of the 784 pixels are blank in every training digit.`, '',
  ]);
  print(options, table(
    ['optimizer', 'val accuracy', 'val loss', '‖W‖ (kernels)', 'blank-pixel weights', '(1-lr·wd)^steps', 'ink-pixel weights'],
    runs.map((r) => [r.name, percent(r.valAccuracy), fixed(r.valLoss), fixed(r.kernelNorm, 2), `×${fixed(r.blankRatio)}`, r.weightDecay === 0 ? '-' : `×${fixed(r.decayFactor)}`, `×${fixed(r.inkRatio)}`]),
  ));
  const [, adamL2, sameStrength] = runs;
  print(options, [
    '', '(the weight columns: norm after training ÷ norm at the start)',
    `With Adam, the L2 penalty erased the blank pixels' weights (×${fixed(adamL2.blankRatio)}) while AdamW at the same nominal strength`,
    `barely touched them (×${fixed(sameStrength.blankRatio)}); AdamW shrinks them by (1 - lr·wd)^steps, as the column beside them predicts.`,
  ]);
  await saveChart(options, 'adamw', lineChart({
    title: 'Weights of the always-blank pixels: Adam + L2 erases them, AdamW decays them',
    subtitle: `‖first-layer weights of the ${blank.filter(Boolean).length} blank pixels‖ after each epoch ÷ at the start; lr ${learningRate}`,
    xTitle: 'epoch', xIntegers: true, yTitle: 'norm ÷ norm at start', yZero: true,
    series: runs.map((r) => ({ name: r.name, x: r.blankRatioByEpoch.map((_, e) => e + 1), y: r.blankRatioByEpoch })),
  }));
  return runs;
}

/** For each of the 784 pixels: is it 0 in every one of the n images? */
function blankPixels(x: Uint8Array, n: number): boolean[] {
  const pixels = x.length / n;
  return Array.from({ length: pixels }, (_, p) => {
    for (let i = 0; i < n; i++) if (x[i * pixels + p] !== 0) return false;
    return true;
  });
}

/** ‖·‖₂ of the first-layer weights of blank pixels and of pixels with ink. */
function pixelNorms(firstKernel: Float32Array, blank: boolean[]): { blank: number; ink: number } {
  const rows = pixelWeights(firstKernel, blank.length);
  return {
    blank: weightStats(rows.filter((_, p) => blank[p])).norm,
    ink: weightStats(rows.filter((_, p) => !blank[p])).norm,
  };
}

runIfMain(import.meta.url, run);
