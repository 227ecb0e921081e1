/**
 * Activation functions by name, as Keras spells them.
 *
 *   linear   f(x) = x                    f'(x) = 1
 *   relu     f(x) = max(0, x)            f'(x) = [x > 0]
 *   sigmoid  f(x) = 1 / (1 + e^-x)       f'(x) = f(x)·(1 - f(x))
 *   tanh     f(x) = tanh(x)              f'(x) = 1 - f(x)²
 *   softmax  f(x)_j = e^x_j / Σ_k e^x_k  (row-wise) ∂f_j/∂x_k = f_j·([j=k] - f_k)
 *
 * Elementwise ones run as kernels (Kernels.activationForward/Backward). Softmax forward is
 * a kernel; its backward through an arbitrary loss is `softmaxBackward` below. With
 * cross-entropy the model skips it and uses the fused kernel instead (losses.ts).
 */

import type { Kernels } from './backend/kernels.js';
import type { Batch } from './core/batch.js';
import { ConfigError } from './errors.js';

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Validates an activation name (undefined and null mean linear, as in Keras). */
export function getActivation(name: string | null | undefined, where: string): ActivationName {
  if (name === undefined || name === null) return 'linear';
  if ((ACTIVATIONS as readonly string[]).includes(name)) return name as ActivationName;
  throw new ConfigError(`${where}: unknown activation '${name}'; expected one of ${ACTIVATIONS.join(', ')}`);
}

/** y = f(z) for a batch. y may be z except for softmax, whose input the fused loss keeps. */
export function activationForward(kernels: Kernels, name: ActivationName, z: Batch, y: Batch): void {
  const n = z.rows * z.cols;
  if (name === 'linear') {
    if (y.storage !== z.storage) kernels.copy(z.storage, y.storage, n);
  } else if (name === 'softmax') kernels.softmax(z.storage, y.storage, z.rows, z.cols);
  else kernels.activationForward(name, z.storage, y.storage, n);
}

/** dz = dy ⊙ f'(z), computed from the forward output y. */
export function activationBackward(kernels: Kernels, name: ActivationName, y: Batch, dy: Batch, dz: Batch): void {
  const n = y.rows * y.cols;
  if (name === 'linear') {
    if (dz.storage !== dy.storage) kernels.copy(dy.storage, dz.storage, n);
  } else if (name === 'softmax') softmaxBackward(y, dy, dz);
  else kernels.activationBackward(name, y.storage, dy.storage, dz.storage, n);
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
