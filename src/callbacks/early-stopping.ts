/**
 * Early stopping: end training when the monitored quantity has stopped improving.
 *
 * Training loss keeps falling while validation loss turns up once the network starts to
 * memorise its training set (overfitting); stopping at the validation minimum is a
 * regulariser that costs nothing. Keras semantics:
 *
 *   after each epoch: wait += 1
 *     if current improves on best by more than minDelta: best = current, remember the
 *       epoch (and the weights), and reset wait to 0 if current also beats `baseline`
 *     else if wait ≥ patience (and epoch > 0): stop
 *
 * With `restoreBestWeights` the weights of the best epoch are put back whenever training
 * ends, including when it runs out of epochs (Keras 3 does the same since 3.4).
 */

import type { Callback, Logs, TrainingModel } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';
import { checkOptions } from '../options.js';
import { ConfigError, ValueError } from '../errors.js';

export interface EarlyStoppingArgs {
  /** Logged quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max' or 'auto' (default: from the name). */
  mode?: MonitorMode;
  /** Value the quantity must beat for the patience counter to reset (default none). */
  baseline?: number | null;
  /** Restore the best epoch's weights when training ends (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (default 0). */
  startFromEpoch?: number;
  /** 1 to print a line when stopping (default 0). */
  verbose?: 0 | 1;
}

export class EarlyStopping implements Callback {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epoch at which training was stopped (null while it has not stopped early). */
  stoppedEpoch: number | null = null;
  /** Epoch with the best monitored value (null before any epoch). */
  bestEpoch: number | null = null;
  best = Infinity;
  private wait = 0;
  private bestWeights: Float32Array[] | null = null;
  private model: TrainingModel | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    checkOptions<EarlyStoppingArgs>('earlyStopping', args, {
      monitor: 'string', minDelta: 'number', patience: 'number', mode: 'string', baseline: ['number', 'null'],
      restoreBestWeights: 'boolean', startFromEpoch: 'number', verbose: 'number',
    });
    this.monitor = new Monitor(args.monitor ?? 'val_loss', args.mode ?? 'auto', args.minDelta ?? 0, 'earlyStopping');
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ValueError(`earlyStopping: patience must be an integer ≥ 0, got ${args.patience}`);
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.verbose = args.verbose ?? 0;
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  /** The model set by `setModel` (fit calls it before any other hook). */
  private get trainee(): TrainingModel {
    if (this.model === null) throw new ConfigError(`earlyStopping: used before setModel; pass it to fit({ callbacks: [...] })`);
    return this.model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = null;
    this.bestEpoch = null;
    this.best = this.monitor.worst();
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor.name];
    if (current === undefined) {
      console.warn(`earlyStopping: '${this.monitor.name}' is not logged (available: ${Object.keys(logs).join(', ')}); is validation data set?`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.snapshot();
    this.wait += 1;
    if (this.monitor.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.snapshot();
      // The wait restarts only when the value beats both the previous best and the baseline.
      if (this.baseline === null || this.monitor.improves(current, this.baseline)) this.wait = 0;
      this.record();
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.trainee.stopTraining = true;
    }
    this.record();
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights !== null) this.trainee.setWeights(this.bestWeights);
    if (this.verbose && this.stoppedEpoch !== null) {
      const restored = this.restoreBestWeights && this.bestEpoch !== null ? `; restored the weights of epoch ${this.bestEpoch + 1}` : '';
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping${restored}`);
    }
    this.record();
  }

  /** Writes stopped/best epochs into the History of the running fit. */
  private record(): void {
    const history = this.model?.history;
    if (!history) return;
    history.stoppedEpoch = this.stoppedEpoch;
    history.bestEpoch = this.bestEpoch;
  }

  /** Copies of every weight (moving statistics included) on the JS heap. */
  private snapshot(): Float32Array[] {
    return this.trainee.weights().map((w) => w.value.data.slice());
  }
}

/** Stops training when `monitor` stops improving; see EarlyStopping. */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
