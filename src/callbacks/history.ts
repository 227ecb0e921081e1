/**
 * History: what `fit` returns. `history.history.loss[e]` is the mean training loss of epoch e
 * (penalties included), `history.history.val_loss[e]` the validation loss after it, and so on
 * for every logged metric, as Keras records them.
 */

import type { Callback, Logs } from './callback.js';

export interface TrainingParams {
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  samples: number;
  steps: number;
  validationSamples: number;
  verbose: number;
}

export class History implements Callback {
  /** Epoch numbers that ran (from initialEpoch). */
  readonly epoch: number[] = [];
  /** Per-metric lists, one value per epoch. */
  readonly history: Record<string, number[]> = {};
  params: TrainingParams | null = null;
  /** Epoch at which a callback stopped training early (null when it ran to the end). */
  stoppedEpoch: number | null = null;
  /** Epoch whose weights a callback judged best (set by earlyStopping). */
  bestEpoch: number | null = null;
  /** Set when training stopped early, with the reason. */
  stopReason: string | null = null;

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      if (!Object.hasOwn(this.history, key)) this.history[key] = [];
      this.history[key].push(value);
    }
  }
}
