/**
 * LearningRateScheduler: sets the learning rate at the start of every epoch from a
 * function of the epoch (from 0) and the current rate, e.g. step decay
 *
 *   learningRateScheduler((epoch, lr) => (epoch > 0 && epoch % 10 === 0 ? lr * 0.5 : lr))
 *
 * and logs it as `learning_rate`.
 */

import type { Callback, Logs } from '../model/callbacks.js';
import type { Sequential } from '../model/sequential.js';
import { ValueError } from '../errors.js';

export type Schedule = (epoch: number, learningRate: number) => number;

export class LearningRateScheduler implements Callback {
  private model: Sequential | null = null;

  constructor(readonly schedule: Schedule, readonly verbose: 0 | 1 = 0) {
    if (typeof schedule !== 'function') throw new ValueError(`learningRateScheduler: schedule must be a function (epoch, lr) => lr, got ${typeof schedule}`);
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const optimizer = this.model!.optimizer;
    const next = this.schedule(epoch, optimizer.learningRate);
    if (typeof next !== 'number' || !Number.isFinite(next) || next < 0) {
      throw new ValueError(`learningRateScheduler: the schedule returned ${next} at epoch ${epoch}; expected a finite number ≥ 0`);
    }
    if (this.verbose) console.log(`Epoch ${epoch + 1}: learning rate ${next}`);
    optimizer.learningRate = next;
  }

  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = this.model!.optimizer.learningRate;
  }
}

/** Sets the learning rate each epoch from `schedule(epoch, lr)`. */
export function learningRateScheduler(schedule: Schedule, verbose: 0 | 1 = 0): LearningRateScheduler {
  return new LearningRateScheduler(schedule, verbose);
}
