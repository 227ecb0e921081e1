/**
 * RMSprop: divide each gradient by a running root-mean-square of its recent values, so
 * every weight takes steps of similar size whatever the scale of its gradient.
 *
 *   ms ← rho·ms + (1-rho)·g²                  (ms starts at 0)
 *   w  ← w - lr·g / sqrt(ms + epsilon)        (epsilon inside the root, as Keras 3 and TF.js)
 *
 * One fused kernel per weight (Kernels.rmspropUpdate). Keras's `momentum` and `centered`
 * variants are not implemented.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import { Optimizer } from './optimizer.js';
import { requirePositive, requireUnitInterval } from '../arguments.js';
import { checkOptions } from '../options.js';

export interface RMSpropArgs {
  /** Step size (default 1e-3). */
  learningRate?: number;
  /** Decay of the running mean of g², in [0, 1) (default 0.9). */
  rho?: number;
  /** Added to the mean square under the root, > 0 (default 1e-7; 0 would divide by zero where the mean square is 0). */
  epsilon?: number;
}

export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly epsilon: number;
  readonly stateNames = ['rms']; // the mean square ms

  constructor(args: RMSpropArgs = {}) {
    checkOptions<RMSpropArgs>('rmsprop', args, { learningRate: 'number', rho: 'number', epsilon: 'number' });
    const { learningRate = 1e-3, rho = 0.9, epsilon = 1e-7 } = args;
    super(learningRate, 'rmsprop');
    requireUnitInterval('rmsprop', 'rho', rho);
    requirePositive('rmsprop', 'epsilon', epsilon);
    this.rho = rho;
    this.epsilon = epsilon;
  }

  protected update(kernels: Kernels, w: Storage, g: Storage, [meanSquare]: Storage[], n: number, _step: number, kept: readonly Storage[] | null): boolean {
    return kernels.rmspropUpdate(w, g, meanSquare, n, this.learningRate, this.rho, this.epsilon, kept);
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}
