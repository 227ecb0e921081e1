/**
 * ReduceLROnPlateau: multiply the learning rate by `factor` when the monitored quantity has
 * not improved for `patience` epochs, down to `minLr`. After a reduction, `cooldown` epochs
 * pass before the counter starts again. Keras semantics and defaults:
 *
 *   improved:         best = current, wait = 0
 *   else (no cooldown): wait += 1; if wait ≥ patience: lr = max(lr·factor, minLr), wait = 0
 *
 * It logs the learning rate as `learning_rate`, so History shows the schedule it produced.
 */

import type { Callback, Logs, TrainingModel } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';
import { checkOptions } from '../options.js';
import { ConfigError, ValueError } from '../errors.js';

export interface ReduceLROnPlateauArgs {
  /** Logged quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** Factor the learning rate is multiplied by, in (0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** 'min', 'max' or 'auto' (default). */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the learning rate (default 0). */
  minLr?: number;
  /** 1 to print each reduction (default 0). */
  verbose?: 0 | 1;
}

export class ReduceLROnPlateau implements Callback {
  readonly monitor: Monitor;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: 0 | 1;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;
  private model: TrainingModel | null = null;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    checkOptions<ReduceLROnPlateauArgs>('reduceLROnPlateau', args, {
      monitor: 'string', factor: 'number', patience: 'number', mode: 'string', minDelta: 'number',
      cooldown: 'number', minLr: 'number', verbose: 'number',
    });
    this.monitor = new Monitor(args.monitor ?? 'val_loss', args.mode ?? 'auto', args.minDelta ?? 1e-4, 'reduceLROnPlateau');
    this.factor = args.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) throw new ValueError(`reduceLROnPlateau: factor must be in (0, 1), got ${args.factor}`);
    this.patience = args.patience ?? 10;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ValueError(`reduceLROnPlateau: patience must be an integer ≥ 0, got ${args.patience}`);
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    if (!(this.minLr >= 0)) throw new ValueError(`reduceLROnPlateau: minLr must be ≥ 0, got ${args.minLr}`);
    this.verbose = args.verbose ?? 0;
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  /** The model set by `setModel` (fit calls it before any other hook). */
  private get trainee(): TrainingModel {
    if (this.model === null) throw new ConfigError(`reduceLROnPlateau: used before setModel; pass it to fit({ callbacks: [...] })`);
    return this.model;
  }

  onTrainBegin(): void {
    this.best = this.monitor.worst();
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const optimizer = this.trainee.optimizer;
    logs.learning_rate = optimizer.learningRate;
    const current = logs[this.monitor.name];
    if (current === undefined) {
      console.warn(`reduceLROnPlateau: '${this.monitor.name}' is not logged (available: ${Object.keys(logs).join(', ')})`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.monitor.improves(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait += 1;
      if (this.wait >= this.patience && optimizer.learningRate > this.minLr) {
        const next = Math.max(optimizer.learningRate * this.factor, this.minLr);
        if (this.verbose) console.log(`Epoch ${epoch + 1}: reducing learning rate to ${next}`);
        optimizer.learningRate = next;
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

/** Lowers the learning rate when `monitor` plateaus; see ReduceLROnPlateau. */
export function reduceLROnPlateau(args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}
