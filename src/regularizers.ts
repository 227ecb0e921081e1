/**
 * Weight penalties, added to the loss (the *mean* batch loss, see docs/SEMANTICS.md, "Penalties"):
 *
 *   l1(λ):        λ·Σ|w|              gradient λ·sign(w)   (subgradient 0 at w = 0)
 *   l2(λ):        λ·Σw²               gradient 2λ·w
 *   l1l2(a, b):   a·Σ|w| + b·Σw²      gradient a·sign(w) + 2b·w
 *
 * Note the L2 convention: Keras and TF.js have no ½ in front, so the gradient is 2λw and
 * gradient descent shrinks each weight by the factor (1 - 2λ·lr) per step (weight decay
 * 2λ; see optimizers/adamw.ts for when that equivalence breaks).
 *
 * Both the value and the gradient run as one kernel pass (Kernels.penalty and
 * Kernels.penaltyGradient), the value summed in float64.
 *
 * Defaults are 0.01, as Keras's string identifiers 'l1', 'l2', 'l1_l2' and TF.js's
 * factories give them (Keras's class L1L2 itself defaults to 0 for both).
 * Serialized as Keras does: class names 'L1', 'L2', 'L1L2', configs {l1}, {l2}, {l1, l2}.
 * TensorFlow.js registers only 'L1L2' (its l1/l2 build an L1L2 with the other factor 0).
 */

import type { Kernels, Storage } from './backend/kernels.js';
import type { Regularizer } from './core/weight.js';
import { ConfigError } from './errors.js';
import { describe } from './options.js';
import { requireNonNegative } from './arguments.js';

export type { Regularizer } from './core/weight.js';

/** l1·Σ|w| + l2·Σw²: the one implementation behind L1, L2 and L1L2. */
abstract class WeightPenalty implements Regularizer {
  abstract readonly className: string;

  constructor(where: string, readonly l1: number, readonly l2: number) {
    requireNonNegative(where, 'l1', l1);
    requireNonNegative(where, 'l2', l2);
  }

  penalty(kernels: Kernels, w: Storage, n: number): number {
    return kernels.penalty(w, n, this.l1, this.l2); // l1·Σ|w| + l2·Σw²
  }

  addGradient(kernels: Kernels, w: Storage, grad: Storage, n: number): void {
    kernels.penaltyGradient(w, grad, n, this.l1, this.l2); // grad += l1·sign(w) + 2·l2·w
  }

  abstract getConfig(): Record<string, unknown>;
}

/** λ·Σ|w|: pushes weights to exactly 0 (sparse weights). */
export class L1 extends WeightPenalty {
  readonly className = 'L1';
  constructor(factor: number) {
    super('l1', factor, 0);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

/** λ·Σw²: shrinks every weight in proportion to its size (weight decay 2λ under SGD). */
export class L2 extends WeightPenalty {
  readonly className = 'L2';
  constructor(factor: number) {
    super('l2', 0, factor);
  }
  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/** l1·Σ|w| + l2·Σw² (the "elastic net" penalty). */
export class L1L2 extends WeightPenalty {
  readonly className = 'L1L2';
  constructor(l1: number, l2: number) {
    super('l1l2', l1, l2);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** L1 penalty λ·Σ|w| (default λ = 0.01). Also takes TF.js's form `{ l1: λ }`. */
export function l1(factor: number | { l1?: number } = 0.01): L1 {
  return new L1(typeof factor === 'object' && factor !== null ? factor.l1 ?? 0.01 : factor);
}

/** L2 penalty λ·Σw² (default λ = 0.01). Also takes TF.js's form `{ l2: λ }`. */
export function l2(factor: number | { l2?: number } = 0.01): L2 {
  return new L2(typeof factor === 'object' && factor !== null ? factor.l2 ?? 0.01 : factor);
}

export interface L1L2Args {
  /** Factor of Σ|w| (default 0.01). */
  l1?: number;
  /** Factor of Σw² (default 0.01). */
  l2?: number;
}

/** Both penalties, l1·Σ|w| + l2·Σw² (defaults 0.01 each, as Keras's 'l1_l2' and TF.js). */
export function l1l2({ l1 = 0.01, l2 = 0.01 }: L1L2Args = {}): L1L2 {
  return new L1L2(l1, l2);
}

const NAMES = ['l1', 'l2', 'l1l2', 'l1_l2'];

/**
 * A regularizer from a name ('l1', 'l2', 'l1l2' or Keras's 'l1_l2', defaults 0.01), from a
 * serialized `{ className, config }` (class names L1, L2, L1L2), or an instance as is.
 * null and undefined mean no penalty.
 */
export function getRegularizer(
  identifier: string | Regularizer | { className: string; config?: Record<string, unknown> } | null | undefined,
): Regularizer | null {
  if (identifier === null || identifier === undefined) return null;
  if (typeof identifier === 'string') {
    switch (identifier.toLowerCase()) {
      case 'l1': return l1();
      case 'l2': return l2();
      case 'l1l2': case 'l1_l2': return l1l2();
    }
    throw new ConfigError(`getRegularizer: unknown regularizer '${identifier}'; expected one of ${NAMES.join(', ')}`);
  }
  if ('penalty' in identifier) return identifier;
  const config = identifier.config ?? {};
  const factor = (key: string): number | undefined => (config[key] === undefined || config[key] === null ? undefined : Number(config[key]));
  switch (identifier.className) {
    case 'L1': return l1(factor('l1'));
    case 'L2': return l2(factor('l2'));
    case 'L1L2': return new L1L2(factor('l1') ?? 0, factor('l2') ?? 0); // Keras's class defaults
  }
  throw new ConfigError(`getRegularizer: unknown regularizer class '${identifier.className}'; expected L1, L2 or L1L2`);
}

/**
 * A layer's regularizer option: an instance, null/undefined (none), or Keras's string forms
 * 'l1', 'l2', 'l1_l2' (factor 0.01). Anything else is refused when the layer is created,
 * not later in `fit`.
 */
export function regularizerArgument(layer: string, option: string, value: unknown): Regularizer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (NAMES.includes(value.toLowerCase())) return getRegularizer(value);
  } else if (typeof value === 'object' && typeof (value as Partial<Regularizer>).penalty === 'function' && typeof (value as Partial<Regularizer>).addGradient === 'function') {
    return value as Regularizer;
  }
  throw new ConfigError(`${layer}: ${option} must be a regularizer such as nn.regularizers.l2(0.01), or 'l1', 'l2' or 'l1_l2'; got ${describe(value)}`);
}
