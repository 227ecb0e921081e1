/**
 * One variant of the study, trained and measured.
 *
 * After every epoch both curves are measured the same way: model.evaluate in inference
 * mode (dropout off, batch norm on its moving statistics), on the training images and on
 * the validation images. fit's own per-epoch `accuracy` is a running mean over the epoch's
 * batches, taken in training mode while the weights were still moving; with dropout on, it
 * understates how well the network fits, and the gap would look smaller than it is.
 *
 * At the end the final weights (for early stopping: the restored best epoch's) are scored
 * once on the training, validation and test images.
 */

import type * as nn from 'wasmnn';
import { denseKernels, weightStats, type Dataset } from '../common.js';
import type { StudyData } from './data.js';

export interface VariantResult {
  name: string;
  description: string;
  /**
   * After each epoch, in inference mode. The loss is the cross-entropy alone: the weight
   * penalty that Keras adds to the loss it reports is taken out, so variants compare.
   */
  trainLoss: number[];
  trainAccuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
  /** Accuracy of the final weights. */
  finalTrainAccuracy: number;
  finalValAccuracy: number;
  testAccuracy: number;
  /** finalTrainAccuracy − finalValAccuracy. */
  gap: number;
  /** The highest validation accuracy after any epoch, and that epoch (from 1). */
  bestValAccuracy: number;
  bestEpoch: number;
  epochsRun: number;
  /** Wall-clock seconds in fit, without the per-epoch evaluation of the training images. */
  seconds: number;
  /** Share of Dense kernel weights with |w| < NEAR_ZERO (1e-3). */
  nearZero: number;
  /** The first Dense kernel (784 × units), for the histograms. */
  firstLayer: Float32Array;
  /** 1 where the final model classifies test image i correctly (for paired comparisons). */
  testCorrect: Uint8Array;
}

export interface TrainOptions {
  name: string;
  description: string;
  epochs: number;
  /** Extra callbacks (early stopping). */
  callbacks: nn.Callback[];
  /** 1: the Keras progress bar; 0: silent. */
  verbose: 0 | 1;
}

export async function trainVariant(model: nn.Sequential, data: StudyData, options: TrainOptions): Promise<VariantResult> {
  const curves = { trainLoss: [] as number[], trainAccuracy: [] as number[], valLoss: [] as number[], valAccuracy: [] as number[] };
  let evaluating = 0;
  // First in the list: it measures each epoch before early stopping decides anything.
  const measure: nn.Callback = {
    onEpochEnd: (_epoch, logs = {}) => {
      const start = performance.now();
      const train = model.evaluate(data.train.x, data.train.y);
      const penalty = weightPenalty(model);
      evaluating += performance.now() - start;
      curves.trainLoss.push(train.loss - penalty);
      curves.trainAccuracy.push(train.accuracy);
      curves.valLoss.push(logs.val_loss - penalty);
      curves.valAccuracy.push(logs.val_accuracy);
    },
  };
  const start = performance.now();
  await model.fit(data.train.x, data.train.y, {
    epochs: options.epochs,
    batchSize: 32,
    validationData: [data.validation.x, data.validation.y],
    callbacks: [measure, ...options.callbacks],
    verbose: options.verbose,
  });
  const seconds = (performance.now() - start - evaluating) / 1000;

  const finalTrainAccuracy = model.evaluate(data.train.x, data.train.y).accuracy;
  const finalValAccuracy = model.evaluate(data.validation.x, data.validation.y).accuracy;
  const testCorrect = correctness(model, data.test);
  const testAccuracy = testCorrect.reduce((sum, c) => sum + c, 0) / testCorrect.length;
  const bestEpoch = curves.valAccuracy.indexOf(Math.max(...curves.valAccuracy)) + 1;
  const kernels = denseKernels(model);
  return {
    name: options.name,
    description: options.description,
    ...curves,
    finalTrainAccuracy,
    finalValAccuracy,
    testAccuracy,
    gap: finalTrainAccuracy - finalValAccuracy,
    bestValAccuracy: curves.valAccuracy[bestEpoch - 1],
    bestEpoch,
    epochsRun: curves.valAccuracy.length,
    seconds,
    nearZero: weightStats(kernels).nearZero,
    firstLayer: kernels[0].slice(),
    testCorrect,
  };
}

/**
 * The penalty evaluate adds to the loss: Σ over penalized weights of l1·Σ|w| + l2·Σw²
 * (src/regularizers.ts), with l1 and l2 read from each regularizer's Keras config.
 */
function weightPenalty(model: nn.Sequential): number {
  let penalty = 0;
  for (const w of model.weights()) {
    if (!w.regularizer) continue;
    const { l1 = 0, l2 = 0 } = w.regularizer.getConfig() as { l1?: number; l2?: number };
    let abs = 0, squares = 0;
    for (const v of w.value.data) {
      abs += Math.abs(v);
      squares += v * v;
    }
    penalty += l1 * abs + l2 * squares;
  }
  return penalty;
}

/** For each image: does the model's most probable class equal the label? */
function correctness(model: nn.Sequential, set: Dataset): Uint8Array {
  const probabilities = model.predict(set.x);
  const p = probabilities.data;
  const classes = set.numClasses;
  const correct = new Uint8Array(set.n);
  for (let i = 0; i < set.n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
    correct[i] = best === set.y[i] ? 1 : 0;
  }
  probabilities.dispose();
  return correct;
}
