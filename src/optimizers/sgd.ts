/**
 * Stochastic gradient descent, with optional (Nesterov) momentum, as Keras computes it:
 *
 *   momentum = 0:   w ← w - lr·g
 *   otherwise:      v ← momentum·v - lr·g          (v starts at 0)
 *                   w ← w + v                      (classical momentum)
 *                   w ← w + momentum·v - lr·g      (nesterov: look ahead along the new v)
 *
 * One fused kernel per weight (Kernels.sgdUpdate). With momentum 0 there is no state.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import { Optimizer } from './optimizer.js';
import { requireUnitInterval } from '../arguments.js';
import { checkOptions } from '../options.js';
import { ValueError } from '../errors.js';

export interface SGDArgs {
  /** Step size (default 0.01). */
  learningRate?: number;
  /** Velocity decay in [0, 1) (default 0: plain gradient descent). */
  momentum?: number;
  /** Use Nesterov momentum (default false). */
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly stateNames: readonly string[];

  constructor(args: SGDArgs = {}) {
    checkOptions<SGDArgs>('sgd', args, { learningRate: 'number', momentum: 'number', nesterov: 'boolean' });
    const { learningRate = 0.01, momentum = 0, nesterov = false } = args;
    super(learningRate, 'sgd');
    requireUnitInterval('sgd', 'momentum', momentum);
    if (typeof nesterov !== 'boolean') throw new ValueError(`sgd: nesterov must be a boolean, got ${String(nesterov)}`);
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.stateNames = momentum === 0 ? [] : ['momentum']; // the velocity v
  }

  protected update(kernels: Kernels, w: Storage, g: Storage, state: Storage[], n: number, _step: number, kept: readonly Storage[] | null): boolean {
    return kernels.sgdUpdate(w, g, state[0] ?? null, n, this.learningRate, this.momentum, this.nesterov, kept);
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}
