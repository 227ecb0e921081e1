/**
 * Callbacks: plain objects with any of these hooks, as in TensorFlow.js. `fit` calls them in
 * order and awaits any that return a Promise. Built-in callbacks (early stopping, learning
 * rate schedules, checkpoints) are such objects too.
 */

import type { Sequential } from './sequential.js';

/** Numbers logged during training: loss, accuracy, val_loss, val_accuracy, ... */
export type Logs = Record<string, number>;

export interface Callback {
  /** Called once before training with the model being trained. */
  setModel?(model: Sequential): void;
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
