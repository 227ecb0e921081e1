/**
 * LearningRateScheduler: sets the learning rate at the start of every epoch from a
 * function of the epoch (from 0) and the current rate, e.g. step decay
 *
 *   learningRateScheduler({ schedule: (epoch, lr) => (epoch > 0 && epoch % 10 === 0 ? lr * 0.5 : lr) })
 *
 * and logs it as `learning_rate`.
 */

import type { Callback, Logs, TrainingModel } from './callback.js';
import { checkOptions } from '../options.js';
import { ConfigError, ValueError } from '../errors.js';

export type Schedule = (epoch: number, learningRate: number) => number;

export interface LearningRateSchedulerArgs {
  /** The new rate from the epoch (from 0) and the current rate. */
  schedule: Schedule;
  /** 1 to print the rate at the start of each epoch (default 0). */
  verbose?: 0 | 1;
}

export class LearningRateScheduler implements Callback {
  readonly schedule: Schedule;
  readonly verbose: 0 | 1;
  private model: TrainingModel | null = null;

  constructor(args: LearningRateSchedulerArgs) {
    checkOptions<LearningRateSchedulerArgs>('learningRateScheduler', args, { schedule: 'function', verbose: 'number' });
    const schedule = args?.schedule;
    if (typeof schedule !== 'function') throw new ValueError(`learningRateScheduler: schedule must be a function (epoch, lr) => lr, got ${typeof schedule}`);
    this.schedule = schedule;
    this.verbose = args.verbose ?? 0;
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  /** The model set by `setModel` (fit calls it before any other hook). */
  private get trainee(): TrainingModel {
    if (this.model === null) throw new ConfigError(`learningRateScheduler: used before setModel; pass it to fit({ callbacks: [...] })`);
    return this.model;
  }

  onEpochBegin(epoch: number): void {
    const optimizer = this.trainee.optimizer;
    const next = this.schedule(epoch, optimizer.learningRate);
    if (typeof next !== 'number' || !Number.isFinite(next) || next < 0) {
      throw new ValueError(`learningRateScheduler: the schedule returned ${next} at epoch ${epoch}; expected a finite number ≥ 0`);
    }
    if (this.verbose) console.log(`Epoch ${epoch + 1}: learning rate ${next}`);
    optimizer.learningRate = next;
  }

  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = this.trainee.optimizer.learningRate;
  }
}

/** Sets the learning rate each epoch from `schedule(epoch, lr)`. */
export function learningRateScheduler(args: LearningRateSchedulerArgs): LearningRateScheduler {
  return new LearningRateScheduler(args);
}
