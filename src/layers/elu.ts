/**
 * ELU: the exponential linear unit, as a layer with its own α.
 *
 *   forward:   y = x where x > 0, else α·(e^x - 1)
 *   backward:  dx = dy where y > 0, else dy·(y + α)    (α·e^x = y + α; y > 0 exactly where x > 0, as α > 0)
 *
 * α defaults to 1, as in Keras (TensorFlow.js's ELU layer accepts only 1); the activation
 * function `activation: 'elu'` always uses 1.
 */

import { AlphaActivation, type AlphaActivationArgs } from './activation.js';
import { requirePositive } from '../arguments.js';

export interface ELUArgs extends AlphaActivationArgs {
  /** Scale of the negative part, α > 0 (default 1): y tends to -α as x → -∞. */
  alpha?: number;
}

export class ELU extends AlphaActivation {
  override readonly className = 'ELU';

  constructor(args: ELUArgs = {}) {
    super(args, { factory: 'elu', activation: 'elu', snakeName: 'elu', defaultAlpha: 1, check: requirePositive });
  }
}

/** Exponential linear unit with scale `alpha`: `elu({ alpha: 0.5 })`. */
export function elu(args: ELUArgs = {}): ELU {
  return new ELU(args);
}
