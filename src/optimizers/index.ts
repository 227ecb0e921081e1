/**
 * Optimizers by factory and by name, as Keras offers them:
 *
 *   nn.optimizers.adam({ learningRate: 1e-3 })       or   compile({ optimizer: 'adam' })
 *
 * | factory  | defaults (Keras)                                                       |
 * |----------|------------------------------------------------------------------------|
 * | sgd      | learningRate 0.01, momentum 0, nesterov false                          |
 * | rmsprop  | learningRate 1e-3, rho 0.9, epsilon 1e-7                               |
 * | adam     | learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7                |
 * | adamw    | learningRate 1e-3, weightDecay 0.004, beta1 0.9, beta2 0.999, eps 1e-7 |
 */

import { SGD, type SGDArgs } from './sgd.js';
import { RMSprop, type RMSpropArgs } from './rmsprop.js';
import { Adam, type AdamArgs } from './adam.js';
import { AdamW, type AdamWArgs } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { ConfigError } from '../errors.js';

export { Optimizer, SGD, RMSprop, Adam, AdamW };
export type { SGDArgs, RMSpropArgs, AdamArgs, AdamWArgs };

/** Gradient descent, optionally with (Nesterov) momentum. */
export function sgd(args: SGDArgs = {}): SGD {
  return new SGD(args);
}

/** RMSprop: steps scaled by a running RMS of the gradient. */
export function rmsprop(args: RMSpropArgs = {}): RMSprop {
  return new RMSprop(args);
}

/** Adam: bias-corrected first and second moments. */
export function adam(args: AdamArgs = {}): Adam {
  return new Adam(args);
}

/** AdamW: Adam with decoupled weight decay. */
export function adamw(args: AdamWArgs = {}): AdamW {
  return new AdamW(args);
}

const FACTORIES: Record<string, () => Optimizer> = { sgd, rmsprop, adam, adamw };

/** An optimizer from a name ('sgd', 'rmsprop', 'adam', 'adamw'; any case, defaults) or an instance. */
export function getOptimizer(nameOrInstance: string | Optimizer): Optimizer {
  if (nameOrInstance instanceof Optimizer) return nameOrInstance;
  const key = typeof nameOrInstance === 'string' ? nameOrInstance.toLowerCase() : '';
  if (!Object.hasOwn(FACTORIES, key)) {
    const shown = typeof nameOrInstance === 'string' ? `'${nameOrInstance}'` : String(nameOrInstance);
    throw new ConfigError(`getOptimizer: unknown optimizer ${shown}; expected an Optimizer or one of ${Object.keys(FACTORIES).join(', ')}`);
  }
  return FACTORIES[key]();
}
