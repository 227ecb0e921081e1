/**
 * A weight of a layer, and the penalty that may be put on it. Layers create weights
 * (`Layer.addWeight`), optimizers update them, regularizers add to their gradient, the model
 * saves them: the types live here so that none of those has to import the others.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import type { Tensor } from '../tensor.js';
import { ConfigError } from '../errors.js';

/** A penalty on a weight, added to the loss (see regularizers.ts). */
export interface Regularizer {
  /** Keras class name: 'L1', 'L2', 'L1L2'. */
  readonly className: string;
  /** The penalty value for weights w (n values), e.g. λ·Σw². */
  penalty(kernels: Kernels, w: Storage, n: number): number;
  /** grad += ∂penalty/∂w. */
  addGradient(kernels: Kernels, w: Storage, grad: Storage, n: number): void;
  getConfig(): Record<string, unknown>;
}

/** A weight of a layer. Non-trainable weights (moving statistics) have no gradient. */
export interface Weight {
  /** Keras name within the layer: 'kernel', 'bias', 'gamma', 'moving_mean', ... */
  name: string;
  value: Tensor;
  /** ∂loss/∂value, same shape; null when not trainable. */
  grad: Tensor | null;
  trainable: boolean;
  regularizer: Regularizer | null;
}

/** The gradient buffer of a trainable weight (only non-trainable weights have none). */
export function gradientOf(weight: Weight): Tensor {
  if (weight.grad === null) throw new ConfigError(`weight '${weight.name}' is not trainable and has no gradient`);
  return weight.grad;
}
