/**
 * LambdaCallback: a callback made of plain functions, as Keras's `LambdaCallback`:
 *
 *   nn.callbacks.lambda({ onEpochEnd: (epoch, logs) => console.log(epoch, logs?.val_loss) })
 *
 * `fit` takes callback objects; a bare function is refused with a pointer here.
 */

import type { Callback, Logs } from './callback.js';
import { checkOptions } from '../options.js';
import { ConfigError } from '../errors.js';

type Hook<A extends unknown[]> = (...args: A) => void | Promise<void>;

export interface LambdaArgs {
  onTrainBegin?: Hook<[logs?: Logs]>;
  onEpochBegin?: Hook<[epoch: number, logs?: Logs]>;
  onBatchBegin?: Hook<[batch: number, logs?: Logs]>;
  onBatchEnd?: Hook<[batch: number, logs?: Logs]>;
  onEpochEnd?: Hook<[epoch: number, logs?: Logs]>;
  onTrainEnd?: Hook<[logs?: Logs]>;
}

/** A callback from functions: any of onTrainBegin, onEpochBegin, onBatchBegin, onBatchEnd, onEpochEnd, onTrainEnd. */
export function lambda(args: LambdaArgs): Callback {
  if (typeof args === 'function') {
    throw new ConfigError('lambda: hooks are passed by name, as in lambda({ onEpochEnd: (epoch, logs) => ... }); got a bare function');
  }
  checkOptions<LambdaArgs>('lambda', args, {
    onTrainBegin: 'function', onEpochBegin: 'function', onBatchBegin: 'function',
    onBatchEnd: 'function', onEpochEnd: 'function', onTrainEnd: 'function',
  });
  return { ...args };
}
