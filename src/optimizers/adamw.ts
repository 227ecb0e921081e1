/**
 * AdamW: Adam plus decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization"). Before each Adam step, from the weight as it was (Keras's order):
 *
 *   w ← w - lr·weightDecay·w
 *   then the Adam step of adam.ts, unchanged.
 *
 * Why not just put an L2 penalty λ·Σw² in the loss? Its gradient 2λw joins g.
 * - With SGD the two are the same thing: w ← w - lr·(g + 2λw) = w - lr·g - (2λ·lr)·w, which
 *   is decoupled decay with weightDecay = 2λ.
 * - With Adam they are not: the 2λw term enters m and v, so it is divided by sqrt(v̂) like
 *   the rest of the gradient. Weights whose data gradients are large (large v̂) then get
 *   their decay scaled down, and rarely-updated ones scaled up; the penalty stops acting as
 *   a uniform pull towards 0. AdamW keeps the decay outside the adaptive step, so every
 *   weight shrinks by the same factor (1 - lr·weightDecay) per step.
 * test/optimizers.test.ts shows both facts numerically.
 *
 * Every trainable weight is decayed, biases included (Keras's default).
 */

import { Adam, type AdamArgs } from './adam.js';
import { requireNonNegative } from '../arguments.js';
import { checkOptions } from '../options.js';

export interface AdamWArgs extends AdamArgs {
  /** Decay per unit of learning rate, ≥ 0 (default 0.004, as Keras). */
  weightDecay?: number;
}

export class AdamW extends Adam {
  override readonly className: string = 'AdamW';
  override readonly weightDecay: number;

  constructor(args: AdamWArgs = {}) {
    checkOptions<AdamWArgs>('adamw', args, { learningRate: 'number', beta1: 'number', beta2: 'number', epsilon: 'number', weightDecay: 'number' });
    const { weightDecay = 0.004, ...adamArgs } = args;
    super(adamArgs, 'adamw');
    requireNonNegative('adamw', 'weightDecay', weightDecay);
    this.weightDecay = weightDecay;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
