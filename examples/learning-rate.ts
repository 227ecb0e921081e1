/**
 * The learning rate (read src/optimizers/ and src/callbacks/reduce-lr-on-plateau.ts).
 *
 * Part 1, a sweep: the same network from the same initial weights, trained with Adam and
 * with plain SGD at rates from 1e-4 to 1. Too small, and after a fixed budget of epochs
 * training has barely started; too large, and the steps overshoot: the loss bounces or
 * blows up, and relu units pushed negative for every input stop learning for good. Adam
 * divides each step by the gradient's running size, so its good rates sit about two
 * orders of magnitude below plain SGD's.
 *
 * Part 2, reduceLROnPlateau: start Adam at a rate that is too large to settle (1e-2) and
 * let the callback multiply it by 0.2 whenever validation loss has not improved for
 * 2 epochs. The large early steps make fast progress; the smaller later ones settle.
 *
 *   npx tsx examples/learning-rate.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import { argmin, fitOrDiverge, fixed, percent, print, runIfMain, saveChart, startStudy, table, type Optimizer, type StudyOptions } from './common.js';

export interface SweepPoint {
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  /** Validation loss and accuracy after the last epoch (NaN if the loss overflowed). */
  valLoss: number;
  valAccuracy: number;
}

export interface PlateauRun {
  name: string;
  /** Learning rate used in each epoch. */
  learningRate: number[];
  valLoss: number[];
  valAccuracy: number;
}

export interface LearningRateResult {
  sweep: SweepPoint[];
  /** Constant Adam 1e-2, then Adam 1e-2 with reduceLROnPlateau. */
  plateau: [PlateauRun, PlateauRun];
}

const RATES = [1e-4, 1e-3, 1e-2, 1e-1, 1];
const OPTIMIZERS = {
  adam: (learningRate: number): Optimizer => nn.optimizers.adam({ learningRate }),
  sgd: (learningRate: number): Optimizer => nn.optimizers.sgd({ learningRate }),
};

/** The network every run trains: 784 -> units -> units -> 10, relu, compiled with `optimizer`. */
function network(units: number, optimizer: Optimizer): nn.Sequential {
  const model = nn.sequential([
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units, activation: 'relu' }),
    nn.layers.dense({ units, activation: 'relu' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 42 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export async function run(options: StudyOptions = {}): Promise<LearningRateResult> {
  const { quick, digits } = await startStudy(options);
  const units = quick ? 64 : 256;
  const hidden = [units, units];
  const epochs = quick ? 5 : 10;

  // Part 1: the sweep.
  const sweep: SweepPoint[] = [];
  for (const optimizer of ['adam', 'sgd'] as const) {
    for (const learningRate of RATES) {
      const model = network(units, OPTIMIZERS[optimizer](learningRate));
      const { history, divergedAt } = await fitOrDiverge(model, digits, epochs);
      model.dispose();
      const last = (name: string): number => (divergedAt === null ? history.history[name][epochs - 1] : NaN);
      sweep.push({ optimizer, learningRate, valLoss: last('val_loss'), valAccuracy: last('val_accuracy') });
    }
  }
  print(options, [`Learning rate: ${hidden.join('-')} relu network, ${digits.train.n} training digits, validation loss (accuracy) after ${epochs} epochs`, '']);
  const cell = (p: SweepPoint): string => (Number.isNaN(p.valLoss) ? 'overflowed' : `${fixed(p.valLoss)} (${percent(p.valAccuracy)})`);
  const point = (optimizer: string, rate: number): SweepPoint => sweep.find((p) => p.optimizer === optimizer && p.learningRate === rate)!;
  const best = (optimizer: string): SweepPoint => {
    const points = sweep.filter((p) => p.optimizer === optimizer);
    return points[argmin(points.map((p) => (Number.isNaN(p.valLoss) ? Infinity : p.valLoss)))];
  };
  print(options, table(['learning rate', 'Adam', 'SGD'], RATES.map((rate) => [String(rate), cell(point('adam', rate)), cell(point('sgd', rate))])));
  print(options, ['', `Best rate: Adam ${best('adam').learningRate}, SGD ${best('sgd').learningRate}.`, '']);

  // Part 2: a constant rate vs reduceLROnPlateau from the same start.
  const plateauEpochs = quick ? 10 : 15;
  const plateau: PlateauRun[] = [];
  for (const reduce of [false, true]) {
    const model = network(units, nn.optimizers.adam({ learningRate: 1e-2 }));
    const callbacks = reduce ? [nn.callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 2, minLr: 1e-5 })] : [];
    const { history } = await fitOrDiverge(model, digits, plateauEpochs, callbacks);
    model.dispose();
    const h = history.history;
    plateau.push({
      name: reduce ? 'reduceLROnPlateau' : 'constant',
      // reduceLROnPlateau logs the rate each epoch ran at as `learning_rate`.
      learningRate: h.learning_rate ?? h.val_loss.map(() => 1e-2),
      valLoss: h.val_loss,
      valAccuracy: h.val_accuracy[h.val_accuracy.length - 1],
    });
  }
  const [constant, reduced] = plateau;
  print(options, ['reduceLROnPlateau(factor 0.2, patience 2) vs a constant rate, both starting from Adam 1e-2:', '']);
  print(options, table(
    ['epoch', 'val_loss (constant)', 'learning rate', 'val_loss (reduced)'],
    constant.valLoss.map((v, e) => [String(e + 1), fixed(v), reduced.learningRate[e].toExponential(0), fixed(reduced.valLoss[e])]),
  ));
  print(options, ['', `Final validation accuracy: constant ${percent(constant.valAccuracy)}, with reduceLROnPlateau ${percent(reduced.valAccuracy)}.`]);
  await saveChart(options, 'learning-rate', lineChart({
    title: 'Validation loss after a fixed budget, by learning rate',
    subtitle: `${hidden.join('-')} relu network, ${epochs} epochs; a rate whose loss overflowed has no point`,
    xTitle: 'learning rate (log scale)', xScale: 'log', yTitle: 'validation loss (log scale)', yScale: 'log', points: true,
    series: (['adam', 'sgd'] as const).map((optimizer) => {
      const points = sweep.filter((p) => p.optimizer === optimizer);
      return { name: optimizer === 'adam' ? 'Adam' : 'SGD', x: points.map((p) => p.learningRate), y: points.map((p) => p.valLoss) };
    }),
  }));
  return { sweep, plateau: [constant, reduced] };
}

runIfMain(import.meta.url, run);
