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
import { MetricTotals, type Metric } from '../metrics/metric.js';
import { NonFiniteLossError, ValueError } from '../errors.js';
import { requireFinite, requireInteger } from '../arguments.js';
import { gatherRows, type RowMatrix } from './data.js';
import { trainStep, type Network } from './train-step.js';
import type { SampleOrder } from './sample-order.js';

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
  metrics: readonly Metric[];
  /** The model's buffers for the batch inputs, targets and loss gradient. */
  buffers: BufferPool;
  /** The order the samples are visited in, shuffled each epoch (sample-order.ts). */
  sampleOrder: SampleOrder;
  /** Loss and metrics over a dataset in inference mode (for validation). */
  evaluate(inputs: RowMatrix, targets: RowMatrix): Logs;
  callbacks: Callback[];
  /** Whether any weight has a penalty (then the logs show regularization_loss). */
  hasPenalties: boolean;
}

export async function fitLoop(run: FitRun, data: FitData, settings: FitSettings): Promise<History> {
  const { model } = run;
  const { epochs, batchSize, verbose, initialEpoch } = settings;
  const samples = data.inputs.rows;
  const steps = Math.ceil(samples / batchSize);
  const history = new History();
  model.history = history;

  const callbacks: Callback[] = [...run.callbacks, history];
  if (verbose > 0) {
    const bar = new ProgressBar(verbose as 1 | 2);
    bar.configure(epochs, steps);
    callbacks.push(bar);
  }
  history.params = { epochs, initialEpoch, batchSize, samples, steps, validationSamples: data.validation ? data.validation[0].rows : 0, verbose };
  for (const callback of callbacks) callback.setModel?.(model);

  model.stopTraining = false;
  try {
    await callAll(callbacks, 'onTrainBegin', {});
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await callAll(callbacks, 'onEpochBegin', epoch, {});
      const logs = await trainEpoch(run, data, settings, callbacks, epoch, history);
      await callAll(callbacks, 'onEpochEnd', epoch, logs);
      if (model.stopTraining && history.stoppedEpoch === null) history.stoppedEpoch = epoch;
    }
  } catch (error) {
    // Training ends here too: callbacks still get onTrainEnd (so earlyStopping can put back
    // the best weights) before the error reaches the caller.
    if (error instanceof NonFiniteLossError) await callAll(callbacks, 'onTrainEnd', {});
    throw error;
  }
  await callAll(callbacks, 'onTrainEnd', {});
  return history;
}

/** One epoch: every batch through the training step, then validation. Returns the epoch's logs. */
async function trainEpoch(run: FitRun, data: FitData, settings: FitSettings, callbacks: Callback[], epoch: number, history: History): Promise<Logs> {
  const { model, network, metrics, buffers } = run;
  const { inputs, targets, validation } = data;
  const { batchSize, shuffle } = settings;
  const samples = inputs.rows;
  const steps = Math.ceil(samples / batchSize);
  const { order } = run.sampleOrder;
  if (shuffle) run.sampleOrder.shuffle();
  // Keras's running means: Σ over the samples seen so far, divided by their count.
  const totals = new MetricTotals(metrics);
  let lossSum = 0, penaltySum = 0, seen = 0;
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
      const message = `fit: training stopped at epoch ${epoch + 1}, batch ${step + 1}: ${result.nonFinite}. The model is as it was after the last finite step (weights, batch-norm statistics and optimizer state); try a smaller learning rate or check the data.`;
      history.stopReason = message;
      history.stoppedEpoch = epoch;
      throw new NonFiniteLossError(message, history);
    }
    lossSum += result.loss * rows;
    penaltySum += result.penalty * rows;
    totals.add(result.output, t);
    seen += rows;
    const batchLogs: Logs = { batch: step, size: rows, loss: lossSum / seen };
    totals.writeMeans(batchLogs, seen);
    await callAll(callbacks, 'onBatchEnd', step, batchLogs);
    // Let a page render and take input (a Stop button) every few milliseconds: often enough
    // to stay responsive, rarely enough that a small network's tiny batches are not slowed.
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    // As TensorFlow.js: a stop asked for during a batch ends the epoch after that batch; the
    // epoch is still validated and logged.
    if (model.stopTraining) break;
  }
  const logs: Logs = {};
  totals.writeMeans(logs, seen);
  logs.loss = lossSum / seen;
  if (run.hasPenalties) logs.regularization_loss = penaltySum / seen;
  if (validation) {
    for (const [key, value] of Object.entries(run.evaluate(validation[0], validation[1]))) logs[`val_${key}`] = value;
  }
  return logs;
}

/** The longest fit runs batches without letting other work run (rendering, input). */
const YIELD_EVERY_MS = 8;
let lastYield = 0;

/**
 * Lets other work run (rendering, input, a message that stops training) between batches.
 * setImmediate in Node; in browsers a message through a MessageChannel, since nested
 * setTimeout(0) is clamped to 4 ms. One channel serves every yield, in order: making a new
 * one per batch cost about 60 µs in a Chromium worker, three times the cost of reusing it,
 * and more than a whole batch of a small network.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    yieldChannel ??= openYieldChannel();
    const { port, waiting } = yieldChannel;
    return new Promise((resolve) => {
      waiting.push(resolve);
      port.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The channel of yieldToEventLoop: each message that comes back resolves the oldest waiting yield. */
let yieldChannel: { port: MessagePort; waiting: (() => void)[] } | null = null;

function openYieldChannel(): { port: MessagePort; waiting: (() => void)[] } {
  const { port1, port2 } = new MessageChannel();
  const waiting: (() => void)[] = [];
  port1.onmessage = () => waiting.shift()?.();
  return { port: port2, waiting };
}
