/**
 * Adam: momentum on the gradient (first moment m) divided by a running root-mean-square of
 * it (second moment v), both bias-corrected for their zero start. Step t counts from 1:
 *
 *   m ← b1·m + (1-b1)·g
 *   v ← b2·v + (1-b2)·g²
 *   w ← w - lr·m̂ / (sqrt(v̂) + epsilon),   m̂ = m/(1-b1^t),  v̂ = v/(1-b2^t)
 *
 * This is TensorFlow.js's form. Keras folds the corrections into the rate instead,
 * lr_t = lr·sqrt(1-b2^t)/(1-b1^t) with epsilon added to sqrt(v); the two differ only at
 * epsilon's scale. At t = 1, m̂ = g and v̂ = g², so the first step is ≈ lr·sign(g) whatever
 * the gradient's size.
 *
 * One fused kernel per weight (Kernels.adamUpdate), shared with AdamW (adamw.ts), which
 * only adds a decoupled weight decay.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import { Optimizer } from './optimizer.js';
import { requirePositive, requireUnitInterval } from '../arguments.js';
import { checkOptions } from '../options.js';

export interface AdamArgs {
  /** Step size (default 1e-3). */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to sqrt(v̂) in the denominator, > 0 (default 1e-7, as Keras; 0 would divide by zero where v̂ = 0). */
  epsilon?: number;
}

export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Decoupled weight decay per unit of learning rate: 0 for Adam, set by AdamW. */
  readonly weightDecay: number = 0;
  readonly stateNames = ['m', 'v']; // the first and second moments

  /** `where` names the optimizer in error messages ('adamw' when AdamW builds on this). */
  constructor(args: AdamArgs = {}, where = 'adam') {
    if (where === 'adam') checkOptions<AdamArgs>('adam', args, { learningRate: 'number', beta1: 'number', beta2: 'number', epsilon: 'number' });
    const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = args;
    super(learningRate, where);
    requireUnitInterval(where, 'beta1', beta1);
    requireUnitInterval(where, 'beta2', beta2);
    requirePositive(where, 'epsilon', epsilon);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  protected update(kernels: Kernels, w: Storage, g: Storage, [m, v]: Storage[], n: number, step: number, kept: readonly Storage[] | null): boolean {
    return kernels.adamUpdate(w, g, m, v, n, this.learningRate, this.beta1, this.beta2, this.epsilon, step, this.weightDecay, kept);
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
