/**
 * Batch normalization at a high learning rate (read src/layers/batchnorm.ts first).
 *
 * A deeper network (three hidden layers), trained with plain SGD at two large learning
 * rates, without and with batch normalization (Dense -> BatchNorm -> relu), from the same
 * initial Dense weights and the same batches. Without it, each layer's inputs shift and
 * grow as the layers below it change, and a large step can blow the activations up: at the
 * larger rate the plain network's loss falls slowly and unevenly (on other data or seeds it
 * overflows; the study then marks the run diverged). With it, every hidden layer sees
 * standardized inputs whatever the layers below did, so the same rate trains fast, and at
 * the smaller rate the loss falls faster too.
 *
 * Validation loss is high after the first epoch with batch norm: inference uses the moving
 * statistics, which with momentum 0.99 have moved only 1 - 0.99^32 ≈ 28% of the way from
 * their start (mean 0, variance 1) towards the data's after 32 steps.
 *
 *   npx tsx examples/batch-norm.ts
 */

import * as nn from 'wasmnn';
import { lineChart } from 'wasmnn/viz';
import { fitOrDiverge, fixed, percent, print, runIfMain, saveChart, startFromPlainWeights, startStudy, table, type StudyOptions } from './common.js';

export interface BatchNormRun {
  name: string;
  learningRate: number;
  batchNorm: boolean;
  /** Training loss of each epoch that finished. */
  loss: number[];
  /** Validation accuracy after the last finished epoch (NaN if none finished). */
  valAccuracy: number;
  /** Epoch (from 1) in which the loss stopped being finite, or null if it trained. */
  divergedAt: number | null;
}

export async function run(options: StudyOptions = {}): Promise<BatchNormRun[]> {
  const { quick, digits } = await startStudy(options);
  const epochs = quick ? 5 : 10;
  const units = quick ? 128 : 256;
  const hidden = [units, units, units];
  const plain = (): nn.layers.Layer[] => [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units, activation: 'relu' }),
    nn.layers.dense({ units, activation: 'relu' }),
    nn.layers.dense({ units, activation: 'relu' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ];
  // Dense -> BatchNormalization -> relu: normalize the pre-activations (Ioffe & Szegedy's placement).
  const normalized = (): nn.layers.Layer[] => [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units }),
    nn.layers.batchNormalization(),
    nn.layers.activation({ activation: 'relu' }),
    nn.layers.dense({ units }),
    nn.layers.batchNormalization(),
    nn.layers.activation({ activation: 'relu' }),
    nn.layers.dense({ units }),
    nn.layers.batchNormalization(),
    nn.layers.activation({ activation: 'relu' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ];

  const runs: BatchNormRun[] = [];
  for (const learningRate of [0.5, 1]) {
    for (const batchNorm of [false, true]) {
      // Both start from the same initial Dense weights (batch norm's layers shift their positions).
      const model = startFromPlainWeights(nn.sequential(batchNorm ? normalized() : plain(), { seed: 42 }));
      model.compile({ optimizer: nn.optimizers.sgd({ learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const name = `${batchNorm ? 'batch norm' : 'plain'}, lr ${learningRate}`;
      const { history, divergedAt } = await fitOrDiverge(model, digits, epochs);
      model.dispose();
      runs.push({ name, learningRate, batchNorm, loss: history.history.loss ?? [], valAccuracy: history.history.val_accuracy?.at(-1) ?? NaN, divergedAt });
    }
  }

  print(options, [`Batch normalization: ${hidden.join('-')} relu network, ${digits.train.n} training digits, plain SGD, batch 32`, '', 'Training loss after each epoch:']);
  print(options, table(
    ['epoch', ...runs.map((r) => r.name)],
    Array.from({ length: epochs }, (_, e) => [String(e + 1), ...runs.map((r) => (e < r.loss.length ? fixed(r.loss[e]) : r.divergedAt ? 'diverged' : ''))]),
  ));
  const outcome = (r: (typeof runs)[number]): string =>
    r.divergedAt ? `the loss overflowed in epoch ${r.divergedAt}.` : `final validation accuracy ${percent(r.valAccuracy)}.`;
  print(options, ['', ...runs.map((r) => `${r.name}: ${outcome(r)}`)]);
  await saveChart(options, 'batch-norm', lineChart({
    title: 'Training loss at high learning rates, with and without batch norm',
    subtitle: `${hidden.join('-')} relu network, plain SGD; a run that overflowed has no line`,
    xTitle: 'epoch', xIntegers: true, yTitle: 'training loss (log scale)', yScale: 'log',
    series: runs.map((r) => ({ name: r.divergedAt ? `${r.name} (overflowed)` : r.name, x: r.loss.map((_, e) => e + 1), y: r.loss })),
  }));
  return runs;
}

runIfMain(import.meta.url, run);
