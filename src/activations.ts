/**
 * Activation functions by name, as Keras spells them (camelCase, or Keras's snake_case).
 *
 *   linear     f(x) = x                               f'(x) = 1
 *   relu       f(x) = max(0, x)                       f'(x) = [x > 0]
 *   sigmoid    f(x) = σ(x) = 1/(1 + e^-x)              f'(x) = f(x)·(1 - f(x))
 *   tanh       f(x) = tanh(x)                         f'(x) = 1 - f(x)²
 *   leakyRelu  f(x) = x, or α·x where x ≤ 0           f'(x) = 1, or α
 *   elu        f(x) = x, or α·(e^x - 1) where x ≤ 0   f'(x) = 1, or α·e^x = f(x) + α
 *   selu       f(x) = λ·elu(x) with α = a             f'(x) = λ, or f(x) + λ·a
 *   gelu       f(x) = x·Φ(x)                          f'(x) = Φ(x) + x·φ(x)
 *   softplus   f(x) = ln(1 + e^x)                     f'(x) = σ(x) = 1 - e^-f(x)
 *   swish      f(x) = x·σ(x)          (Keras: silu)   f'(x) = σ(x)·(1 + x·(1 - σ(x)))
 *   softmax    f(x)_j = e^x_j / Σ_k e^x_k  (row-wise) ∂f_j/∂x_k = f_j·([j=k] - f_k)
 *
 * α is 0.2 for leakyRelu and 1 for elu, as for Keras's activation functions (the LeakyReLU
 * and ELU layers take another). SELU's λ = 1.0507009873554805 and a = 1.6732632423543772 are
 * fixed. gelu is the exact form (Keras's default approximate=False), Φ and φ the standard
 * normal CDF and density.
 *
 * Elementwise ones run as kernels (Kernels.activationForward/Backward), where each formula is
 * written out. Their derivative is computed from the output y = f(x), so a layer may let y
 * overwrite x, except for gelu and swish, which are not one-to-one: a layer keeps their input
 * (`derivativeNeedsInput`). Softmax forward is a kernel; its backward through an arbitrary
 * loss is `softmaxBackward` below. With cross-entropy the model skips it and uses the fused
 * kernel instead (losses.ts).
 */

import { derivativeFromInput, type Kernels } from './backend/kernels.js';
import type { Batch } from './core/batch.js';
import { ConfigError } from './errors.js';

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'selu', 'gelu', 'softplus', 'swish'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Keras's names where they are not ours: its snake_case, and silu for swish. */
const ALIASES: Record<string, ActivationName> = { leaky_relu: 'leakyRelu', silu: 'swish' };

/**
 * The name a saved model carries: Keras's where ours is camelCase ('leaky_relu'). swish keeps
 * its name, which both Keras and TensorFlow.js read (TensorFlow.js has no 'silu').
 */
export function savedActivationName(name: ActivationName): string {
  return name === 'leakyRelu' ? 'leaky_relu' : name;
}

/** Validates an activation name (undefined and null mean linear, as in Keras). */
export function getActivation(name: string | null | undefined, where: string): ActivationName {
  if (name === undefined || name === null) return 'linear';
  if ((ACTIVATIONS as readonly string[]).includes(name)) return name as ActivationName;
  if (Object.hasOwn(ALIASES, name)) return ALIASES[name];
  throw new ConfigError(`${where}: unknown activation '${name}'; expected one of ${ACTIVATIONS.join(', ')} (or ${Object.keys(ALIASES).join(', ')})`);
}

/** α of leakyRelu (0.2) and elu (1) as Keras's activation functions default it; 0 for the rest, which ignore it. */
export function defaultAlpha(name: ActivationName): number {
  return name === 'leakyRelu' ? 0.2 : name === 'elu' ? 1 : 0;
}

/** Whether backward needs the activation's input x, not only its output y (gelu, swish). */
export function derivativeNeedsInput(name: ActivationName): boolean {
  return name !== 'linear' && name !== 'softmax' && derivativeFromInput(name);
}

/** y = f(z) for a batch. y may be z except for softmax, whose input the fused loss keeps, and gelu and swish. */
export function activationForward(kernels: Kernels, name: ActivationName, z: Batch, y: Batch, alpha = defaultAlpha(name)): void {
  const n = z.rows * z.cols;
  if (name === 'linear') {
    if (y.storage !== z.storage) kernels.copy(z.storage, y.storage, n);
  } else if (name === 'softmax') kernels.softmax(z.storage, y.storage, z.rows, z.cols);
  else kernels.activationForward(name, z.storage, y.storage, n, alpha);
}

/**
 * dz = dy ⊙ f'(z), computed from the forward output y, or from the input z where
 * `derivativeNeedsInput` (z may be null otherwise).
 */
export function activationBackward(
  kernels: Kernels, name: ActivationName, z: Batch | null, y: Batch, dy: Batch, dz: Batch, alpha = defaultAlpha(name),
): void {
  const n = y.rows * y.cols;
  if (name === 'linear') {
    if (dz.storage !== dy.storage) kernels.copy(dy.storage, dz.storage, n);
  } else if (name === 'softmax') softmaxBackward(y, dy, dz);
  else kernels.activationBackward(name, z?.storage ?? null, y.storage, dy.storage, dz.storage, n, alpha);
}

/**
 * Softmax backward for a general upstream gradient, per row:
 *   dz_k = Σ_j dy_j·y_j·([j=k] - y_k) = y_k·(dy_k - Σ_j dy_j·y_j)
 * Only reached when softmax is not followed by cross-entropy (rare), so it runs in
 * TypeScript on the views of either backend. dz may be dy.
 */
function softmaxBackward(y: Batch, dy: Batch, dz: Batch): void {
  const Y = y.storage.view(), DY = dy.storage.view(), DZ = dz.storage.view();
  const n = y.cols;
  for (let i = 0; i < y.rows; i++) {
    const row = i * n;
    let dot = 0;
    for (let j = 0; j < n; j++) dot += DY[row + j] * Y[row + j];
    for (let k = 0; k < n; k++) DZ[row + k] = Y[row + k] * (DY[row + k] - dot);
  }
}
