/**
 * LeakyReLU: relu with a small slope α below 0, as a layer with its own α.
 *
 *   forward:   y = x where x > 0, else α·x
 *   backward:  dx = dy where y > 0, else α·dy       (y > 0 exactly where x > 0, as α ≥ 0)
 *
 * The layer's α defaults to 0.3, as Keras's and TensorFlow.js's LeakyReLU layers do; the
 * activation function `activation: 'leakyRelu'` uses 0.2, as Keras's `leaky_relu` and
 * TensorFlow.js's `tf.leakyRelu` do. Keras 3 calls α `negative_slope`.
 */

import { AlphaActivation, type AlphaActivationArgs } from './activation.js';
import { requireNonNegative } from '../arguments.js';

export interface LeakyReLUArgs extends AlphaActivationArgs {
  /** Slope for x ≤ 0, α ≥ 0 (default 0.3). */
  alpha?: number;
}

export class LeakyReLU extends AlphaActivation {
  override readonly className = 'LeakyReLU';

  constructor(args: LeakyReLUArgs = {}) {
    super(args, { factory: 'leakyReLU', activation: 'leakyRelu', snakeName: 'leaky_re_lu', defaultAlpha: 0.3, check: requireNonNegative });
  }
}

/** Leaky ReLU with slope `alpha` below 0: `leakyReLU({ alpha: 0.1 })`. */
export function leakyReLU(args: LeakyReLUArgs = {}): LeakyReLU {
  return new LeakyReLU(args);
}
