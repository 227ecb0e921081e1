/**
 * The epoch loop of `fit`: shuffle, cut into minibatches, run the training step on each
 * (train-step.ts), validate after each epoch, and tell the callbacks at every turn.
 *
 *   for epoch in initialEpoch .. epochs-1:
 *     shuffle the sample order (seeded)
 *     for each batch of batchSize samples:   trainStep; running means of loss and metrics
 *     validate (inference mode), log, callbacks; stop if a callback set stopTraining
 *
 * Callbacks run in Keras's order: the user's, then History, then the progress bar, so that
 * History and the bar show what the user's callbacks add to the logs (e.g. learning_rate).
 */

import { callAll, type Callback, type Logs, type TrainingModel } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgressBar } from '../callbacks/progress.js';
import type { BufferPool } from '../core/buffer-pool.js';
import { accuracySum, type MetricName } from '../metrics.js';
import type { Random } from '../random.js';
import { NonFiniteLossError, ValueError } from '../errors.js';
import { requireFinite, requireInteger } from '../arguments.js';
import { gatherRows, type RowMatrix } from './data.js';
import { trainStep, type Network } from './train-step.js';

/** The options of `fit`, checked, with Keras's defaults filled in. */
export interface FitSettings {
  epochs: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  initialEpoch: number;
  validationSplit: number;
  shuffle: boolean;
}

/** Checks the numeric options of fit and fills in the defaults (Keras: 1 epoch, batch 32). */
export function fitSettings(options: {
  epochs?: number; batchSize?: number; verbose?: number; initialEpoch?: number; validationSplit?: number; shuffle?: boolean;
}): FitSettings {
  const settings = {
    epochs: options.epochs ?? 1,
    batchSize: options.batchSize ?? 32,
    verbose: options.verbose ?? 1,
    initialEpoch: options.initialEpoch ?? 0,
    validationSplit: options.validationSplit ?? 0,
    shuffle: options.shuffle ?? true,
  };
  requireInteger('fit', 'epochs', settings.epochs, 0);
  requireInteger('fit', 'batchSize', settings.batchSize, 1);
  requireInteger('fit', 'initialEpoch', settings.initialEpoch, 0);
  requireFinite('fit', 'validationSplit', settings.validationSplit);
  if (!(settings.validationSplit >= 0 && settings.validationSplit < 1)) throw new ValueError(`fit: validationSplit must be in [0, 1), got ${settings.validationSplit}`);
  if (settings.verbose !== 0 && settings.verbose !== 1 && settings.verbose !== 2) throw new ValueError(`fit: verbose must be 0, 1 or 2, got ${settings.verbose}`);
  return settings as FitSettings;
}

/** The training data of one fit, as row matrices. */
export interface FitData {
  inputs: RowMatrix;
  targets: RowMatrix;
  /** [x, y] to validate on after each epoch, or null. */
  validation: [RowMatrix, RowMatrix] | null;
}

/** What the loop needs of the model besides what callbacks see. */
export interface FitRun {
  /** The model, as callbacks see it; `history` is set to this fit's History. */
  model: TrainingModel & { history: History | null };
  network: Network;
  metrics: readonly MetricName[];
  /** The model's buffers for the batch inputs, targets and loss gradient. */
  buffers: BufferPool;
  /** The stream that shuffles the sample order. */
  shuffleRandom: Random;
  /** Loss and metrics over a dataset in inference mode (for validation). */
  evaluate(inputs: RowMatrix, targets: RowMatrix): Logs;
  callbacks: Callback[];
}

export async function fitLoop(run: FitRun, data: FitData, settings: FitSettings): Promise<History> {
  const { model, network, metrics, buffers } = run;
  const { epochs, batchSize, verbose, initialEpoch, shuffle } = settings;
  const { inputs, targets, validation } = data;
  const samples = inputs.rows;
  const steps = Math.ceil(samples / batchSize);
  const trackAccuracy = metrics.includes('accuracy');
  const history = new History();
  model.history = history;

  const callbacks: Callback[] = [...run.callbacks, history];
  if (verbose > 0) {
    const bar = new ProgressBar(verbose as 1 | 2);
    bar.configure(epochs, steps);
    callbacks.push(bar);
  }
  history.params = { epochs, initialEpoch, batchSize, samples, steps, validationSamples: validation ? validation[0].rows : 0, verbose };
  for (const callback of callbacks) callback.setModel?.(model);

  const order = new Int32Array(samples);
  for (let i = 0; i < samples; i++) order[i] = i;
  const hasPenalties = network.layers.some((l) => l.weights().some((w) => w.regularizer !== null));

  model.stopTraining = false;
  await callAll(callbacks, 'onTrainBegin', {});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callAll(callbacks, 'onEpochBegin', epoch, {});
    if (shuffle) run.shuffleRandom.shuffle(order);
    let lossSum = 0, penaltySum = 0, correct = 0, seen = 0;
    for (let step = 0; step < steps; step++) {
      await callAll(callbacks, 'onBatchBegin', step, {});
      const start = step * batchSize;
      const rows = Math.min(batchSize, samples - start);
      const x = buffers.get('x', rows, inputs.cols);
      const t = buffers.get('t', rows, targets.cols);
      gatherRows(network.kernels, inputs, order, start, rows, x.storage);
      gatherRows(network.kernels, targets, order, start, rows, t.storage);
      const result = trainStep(network, x, t, buffers.get('grad', rows, network.layers[network.layers.length - 1].outputSize));
      if (result.nonFinite !== null) {
        const message = `fit: training stopped at epoch ${epoch + 1}, batch ${step + 1}: ${result.nonFinite}. The weights are those after the last finite step; try a smaller learning rate or check the data.`;
        history.stopReason = message;
        history.stoppedEpoch = epoch;
        throw new NonFiniteLossError(message, history);
      }
      lossSum += result.loss * rows;
      penaltySum += result.penalty * rows;
      if (trackAccuracy) correct += accuracySum(network.loss, result.output, t);
      seen += rows;
      const batchLogs: Logs = { batch: step, size: rows, loss: lossSum / seen };
      if (trackAccuracy) batchLogs.accuracy = correct / seen;
      await callAll(callbacks, 'onBatchEnd', step, batchLogs);
      await yieldToEventLoop();
    }
    const logs: Logs = {};
    if (trackAccuracy) logs.accuracy = correct / seen;
    logs.loss = lossSum / seen;
    if (hasPenalties) logs.regularization_loss = penaltySum / seen;
    if (validation) {
      for (const [key, value] of Object.entries(run.evaluate(validation[0], validation[1]))) logs[`val_${key}`] = value;
    }
    await callAll(callbacks, 'onEpochEnd', epoch, logs);
  }
  await callAll(callbacks, 'onTrainEnd', {});
  return history;
}

/**
 * Lets other work run (rendering, input) between batches. setImmediate in Node; a
 * MessageChannel in browsers, since nested setTimeout(0) is clamped to 4 ms.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
