/**
 * Losses. Each is the mean over the batch of a per-sample loss L_i (Keras's default
 * "sum over batch size" reduction); `fit` adds the weight penalties to it.
 *
 *   categoricalCrossentropy        L_i = -Σ_j t_ij·log p_ij            (t: one-hot or probabilities)
 *   sparseCategoricalCrossentropy  L_i = -log p_i,label_i               (labels: integers)
 *   binaryCrossentropy             L_i = -mean_j [t·log p + (1-t)·log(1-p)]
 *   meanSquaredError               L_i = mean_j (y_ij - t_ij)²
 *
 * The fused output: why softmax + cross-entropy has the gradient p − t.
 * With p = softmax(z), p_j = e^z_j / Σ_k e^z_k, and one-hot t (Σ_j t_j = 1):
 *
 *   L = -Σ_j t_j·log p_j = -Σ_j t_j·(z_j - log Σ_k e^z_k) = logsumexp(z) - Σ_j t_j·z_j
 *   ∂L/∂z_k = e^z_k / Σ_m e^z_m - t_k = p_k - t_k
 *
 * (For probability targets the first term carries Σ_j t_j, hence p·Σt − t in the kernel.)
 * Likewise sigmoid + binary cross-entropy: with p = σ(z),
 *
 *   L = -(t·log σ(z) + (1-t)·log(1-σ(z))) = max(z,0) - z·t + log(1 + e^-|z|)
 *   ∂L/∂z = σ(z) - t
 *
 * So when the last layer ends in softmax (or sigmoid) and the loss is its cross-entropy, the
 * model asks that layer for its logits z (`Layer.logits`), computes the loss from z, and
 * starts backward at ∂L/∂z (`Layer.backwardFromLogits`), never forming f'(z). That is exact
 * and stable for any logits. TensorFlow.js instead clips p to [1e-7, 1-1e-7] before the log,
 * so the two agree except at extreme logits, where TF.js's loss saturates at -log(1e-7) ≈ 16.1
 * and ours keeps growing. Without a matching output activation the losses work on
 * probabilities, clipped to [1e-7, 1-1e-7] as Keras and TF.js do.
 */

import type { Kernels } from './backend/kernels.js';
import type { Batch } from './core/batch.js';
import type { ActivationName } from './activations.js';
import { ConfigError } from './errors.js';

const LOSSES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'] as const;
export type LossName = (typeof LOSSES)[number];

const ALIASES: Record<string, LossName> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
};

/** Probabilities are clipped to [EPSILON, 1 - EPSILON] before a log (Keras backend epsilon). */
const EPSILON = 1e-7;

/** Resolves a loss name (camelCase or Keras snake_case). */
export function getLoss(name: string): LossName {
  if ((LOSSES as readonly string[]).includes(name)) return name as LossName;
  // hasOwn: a name such as 'constructor' must not find Object.prototype's
  if (Object.hasOwn(ALIASES, name)) return ALIASES[name];
  throw new ConfigError(`compile: unknown loss '${name}'; expected one of ${LOSSES.join(', ')} (or ${Object.keys(ALIASES).join(', ')})`);
}

/** Whether the loss is computed from the logits of the output activation. */
export function isFused(loss: LossName, activation: ActivationName): boolean {
  if (activation === 'softmax') return loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy';
  if (activation === 'sigmoid') return loss === 'binaryCrossentropy';
  return false;
}

export interface LossInput {
  /** The model output y (probabilities after softmax/sigmoid), rows × cols. */
  output: Batch;
  /** The logits z before the output activation, when the loss is fused; else null. */
  logits: Batch | null;
  /** Targets: rows × cols, or rows class indices for sparse losses. */
  targets: Batch;
  /** Where ∂(mean loss)/∂(logits or output) goes, rows × cols; null to compute the loss alone. */
  grad: Batch | null;
}

/**
 * Computes Σ_i L_i over the batch and, unless `grad` is null, writes
 * grad = ∂(1/rows · Σ_i L_i)/∂(logits or output). Returns the sum (not the mean), so callers
 * can average over batches of different sizes.
 */
export function computeLoss(kernels: Kernels, loss: LossName, input: LossInput): number {
  const { output, logits, targets, grad } = input;
  const rows = output.rows, cols = output.cols;
  const gradScale = 1 / rows;
  if (logits !== null && (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy')) {
    const encoding = loss === 'sparseCategoricalCrossentropy' ? 'sparse' : 'onehot';
    return kernels.softmaxCrossEntropy(logits.storage, targets.storage, grad?.storage ?? null, rows, cols, encoding, gradScale);
  }
  // The remaining losses touch rows × cols values once: small next to the layers' gemms,
  // so they run in TypeScript on the backend's views.
  const T = targets.storage.view(), G = grad?.storage.view() ?? null;
  let total = 0;
  if (logits !== null && loss === 'binaryCrossentropy') {
    const Z = logits.storage.view();
    for (let i = 0; i < rows * cols; i++) {
      const z = Z[i], t = T[i];
      // L = max(z,0) - z·t + log(1 + e^-|z|);   ∂L/∂z = σ(z) - t
      total += (Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)))) / cols;
      if (G) G[i] = (gradScale / cols) * (sigmoid(z) - t);
    }
    return total;
  }
  const Y = output.storage.view();
  switch (loss) {
    case 'meanSquaredError':
      for (let i = 0; i < rows * cols; i++) {
        const d = Y[i] - T[i];
        total += (d * d) / cols; //                      L = mean_j (y - t)²
        if (G) G[i] = (gradScale * 2 * d) / cols; //     ∂L/∂y = 2(y - t)/cols
      }
      return total;
    case 'binaryCrossentropy':
      for (let i = 0; i < rows * cols; i++) {
        const p = clip(Y[i]), t = T[i];
        total += -(t * Math.log(p) + (1 - t) * Math.log(1 - p)) / cols;
        // ∂L/∂p = (p - t) / (p(1 - p)) / cols, zero where the clip is active
        if (G) G[i] = Y[i] === p ? (gradScale * (p - t)) / (p * (1 - p)) / cols : 0;
      }
      return total;
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
      for (let i = 0; i < rows; i++) total += crossEntropyOnProbabilities(Y, T, G, i, cols, loss === 'sparseCategoricalCrossentropy', gradScale);
      return total;
  }
}

/**
 * Cross-entropy of one row of probabilities p (not from a softmax we can fuse), as Keras:
 * q = clip(p / Σp), L = -Σ_j t_j·log q_j. Chain rule through the normalisation:
 * ∂L/∂p_k = (g_k - Σ_j g_j·q_j) / Σp  with g_j = ∂L/∂q_j = -t_j/q_j (0 where clipped).
 */
function crossEntropyOnProbabilities(
  Y: Float32Array, T: Float32Array, G: Float32Array | null, i: number, n: number, sparse: boolean, gradScale: number,
): number {
  const row = i * n;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Y[row + j];
  const target = (j: number): number => (sparse ? (T[i] === j ? 1 : 0) : T[row + j]);
  let loss = 0, gq = 0;
  for (let j = 0; j < n; j++) {
    const raw = Y[row + j] / sum, q = clip(raw), t = target(j);
    loss -= t * Math.log(q);
    if (G === null) continue;
    const g = raw === q ? -t / q : 0;
    G[row + j] = g; // stash ∂L/∂q_j, finished below
    gq += g * q;
  }
  if (G !== null) for (let j = 0; j < n; j++) G[row + j] = (gradScale * (G[row + j] - gq)) / sum;
  return loss;
}

function clip(p: number): number {
  return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
