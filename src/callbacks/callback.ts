/**
 * Callbacks: plain objects with any of these hooks, as in TensorFlow.js. `fit` calls them in
 * order and awaits any that return a Promise. The built-in callbacks (early stopping,
 * learning-rate schedules, the progress bar, History) are such objects too.
 *
 * A callback sees the model through `TrainingModel`: the few things a callback may read or
 * change while training runs. It does not depend on Sequential, so callbacks sit below the
 * model and any model that offers these members can be trained with them.
 */

import type { Weight } from '../core/weight.js';
import type { Optimizer } from '../optimizers/optimizer.js';

/** Numbers logged during training: loss, accuracy, val_loss, val_accuracy, ... */
export type Logs = Record<string, number>;

/** What callbacks may note in the History of the running fit (see history.ts). */
export interface TrainingRecord {
  /** Epoch at which a callback stopped training early. */
  stoppedEpoch: number | null;
  /** Epoch whose weights a callback judged best. */
  bestEpoch: number | null;
}

/** What a callback may use of the model being trained. */
export interface TrainingModel {
  /** Set to true to end `fit` after the current batch's epoch. */
  stopTraining: boolean;
  /** The compiled optimizer (schedules change its learningRate). */
  readonly optimizer: Optimizer;
  /** The History of the running fit. */
  readonly history: TrainingRecord | null;
  /** Every weight, in Keras order (moving statistics included). */
  weights(): Weight[];
  /** Replaces every weight, in `weights()` order. */
  setWeights(values: Float32Array[]): void;
}

export interface Callback {
  /** Called once before training with the model being trained. */
  setModel?(model: TrainingModel): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  /** logs hold the running means over the epoch so far (as Keras 3 reports them). */
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  /** logs hold the epoch's training means and the validation metrics. */
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
}

/** Calls one hook on every callback, in order. */
export async function callAll<K extends keyof Callback>(
  callbacks: readonly Callback[], hook: K, ...args: Parameters<NonNullable<Callback[K]>>
): Promise<void> {
  for (const callback of callbacks) {
    const fn = callback[hook] as ((...a: unknown[]) => unknown) | undefined;
    if (fn) await fn.apply(callback, args);
  }
}
