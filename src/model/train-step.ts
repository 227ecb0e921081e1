/**
 * One training step: a minibatch in, every weight moved once. The whole of learning is this
 * function run over and over; `fit` (fit.ts) only feeds it batches and reports.
 *
 *   1. forward:   a⁰ = x,  aˡ = layerₗ(aˡ⁻¹)            (training = true)
 *   2. loss:      J = mean_i L(a^L_i, t_i) + Σ penalties(W)
 *   3. backward:  g = ∂J/∂a^L, then g = layerₗ.backward(g) from the last layer to the first
 *                 (each writes ∂J/∂W for its own weights), plus each penalty's gradient
 *   4. update:    the optimizer moves every trainable weight against its gradient
 *
 * The step checks that the loss and every updated weight are finite (a non-finite gradient
 * makes its weight non-finite: NaN and ±Infinity survive every optimizer's update). If one
 * is not, it puts back what the step had changed (batch norm's moving statistics move in the
 * forward pass, and are copied before it; weights and optimizer state move in the update,
 * whose kernels keep the values they replace as they go) and reports why, so the model stays
 * exactly as it was after the last finite step.
 */

import type { Kernels } from '../backend/kernels.js';
import type { Batch } from '../core/batch.js';
import type { Weight } from '../core/weight.js';
import type { BufferPool } from '../core/buffer-pool.js';
import type { Layer } from '../layers/layer.js';
import { computeLoss, isFused, type LossName } from '../losses.js';
import type { Optimizer } from '../optimizers/optimizer.js';

/** What a step works on: the model's layers with its compiled loss and optimizer. */
export interface Network {
  kernels: Kernels;
  layers: readonly Layer[];
  loss: LossName;
  optimizer: Optimizer;
  /** Where the step keeps its copies for undoing itself. */
  scratch: BufferPool;
  /** Every layer's weights, in order: listed once (network()), not at every step. */
  weights: readonly Weight[];
  /** The first layer that has trainable weights (0 when none has): where backward stops. */
  firstTrainable: number;
}

/** The Network of a built model, for the steps of one fit (its layers and weights stay put). */
export function network(kernels: Kernels, layers: readonly Layer[], loss: LossName, optimizer: Optimizer, scratch: BufferPool): Network {
  const weights = layers.flatMap((l) => l.weights());
  const firstTrainable = Math.max(layers.findIndex((l) => l.weights().some((w) => w.trainable)), 0);
  return { kernels, layers, loss, optimizer, scratch, weights, firstTrainable };
}

export interface StepResult {
  /** J: the mean data loss of the batch plus the penalties. */
  loss: number;
  /** Σ penalties(W), the part of `loss` that comes from regularizers. */
  penalty: number;
  /** The network's output for the batch (valid until the next forward pass). */
  output: Batch;
  /** Why the step did not update the weights (a non-finite loss or gradient), else null. */
  nonFinite: string | null;
}

/** One step on the batch (x, t). `grad` receives ∂J/∂(output or logits). */
export function trainStep(net: Network, x: Batch, t: Batch, grad: Batch): StepResult {
  const { kernels, layers, loss, optimizer, scratch, weights } = net;
  copyMovingStatistics(kernels, weights, scratch, 'save');

  // 1. forward
  let output = x;
  for (const layer of layers) output = layer.forward(output, true);

  // 2. loss: J = mean data loss + Σ penalties; grad = ∂(mean data loss)/∂(output or logits)
  const fused = fusedOutputLayer(layers, loss);
  const dataLoss = computeLoss(kernels, loss, { output, logits: fused?.logits() ?? null, targets: t, grad }) / x.rows;
  const penalty = penaltyOf(kernels, weights);
  const total = dataLoss + penalty;
  if (!Number.isFinite(total)) {
    copyMovingStatistics(kernels, weights, scratch, 'restore');
    return { loss: total, penalty, output, nonFinite: `the loss is ${total} (data loss ${dataLoss}, penalty ${penalty})` };
  }

  // 3. backward, from the last layer down to the first that has trainable weights (the
  //    layers below it have nothing to learn, so their gradients are never computed)
  const first = net.firstTrainable;
  let g = grad;
  for (let i = layers.length - 1; i >= first; i--) {
    const needInputGradient = i > first;
    g = layers[i] === fused ? fused.backwardFromLogits(g, needInputGradient) : layers[i].backward(g, needInputGradient);
  }
  //    ... plus ∂penalty/∂w for every regularized weight
  for (const w of weights) {
    if (w.regularizer && w.grad) w.regularizer.addGradient(kernels, w.value.storage, w.grad.storage, w.value.size);
  }

  // 4. update, keeping in `scratch` the values it replaces; each update also checks that the
  //    values it writes are finite (a non-finite gradient shows up there: it makes its weight
  //    non-finite)
  const nonFiniteWeight = optimizer.applyGradients(weights, scratch);
  if (nonFiniteWeight !== null) {
    optimizer.undo(weights, scratch);
    const badGradient = weights.find((v) => v.grad && !kernels.allFinite(v.grad.storage, v.grad.size));
    const why = badGradient
      ? `the gradient of ${ownerName(layers, badGradient)}/${badGradient.name} is not finite (loss ${total})`
      : `the update made ${ownerName(layers, nonFiniteWeight)}/${nonFiniteWeight.name} non-finite (loss ${total}); the learning rate is too large`;
    copyMovingStatistics(kernels, weights, scratch, 'restore');
    return { loss: total, penalty, output, nonFinite: why };
  }
  return { loss: total, penalty, output, nonFinite: null };
}

/**
 * Copies the non-trainable weights (batch norm's moving statistics, which the forward pass
 * moves) into `scratch` ('save') or back from it ('restore').
 */
function copyMovingStatistics(kernels: Kernels, weights: readonly Weight[], scratch: BufferPool, direction: 'save' | 'restore'): void {
  weights.forEach((w, i) => {
    if (w.trainable) return;
    const copy = scratch.get(weightKey(i), 1, w.value.size).storage;
    if (direction === 'save') kernels.copy(w.value.storage, copy, w.value.size);
    else kernels.copy(copy, w.value.storage, w.value.size);
  });
}

const WEIGHT_KEYS: string[] = [];
/** The scratch key of the i-th weight's copy (cached: it is used every step). */
function weightKey(i: number): string {
  WEIGHT_KEYS[i] ??= `weight ${i}`;
  return WEIGHT_KEYS[i];
}

/**
 * The last layer when the loss fuses with its activation (softmax or sigmoid with their
 * cross-entropy; losses.ts derives why the gradient is then p − t), else null.
 */
export function fusedOutputLayer(layers: readonly Layer[], loss: LossName): Layer | null {
  const last = layers[layers.length - 1];
  return last !== undefined && isFused(loss, last.outputActivation()) ? last : null;
}

/** Σ over the regularized weights of their penalties, e.g. λ·Σw² for L2. */
export function penaltyOf(kernels: Kernels, weights: readonly Weight[]): number {
  let penalty = 0;
  for (const w of weights) if (w.regularizer) penalty += w.regularizer.penalty(kernels, w.value.storage, w.value.size);
  return penalty;
}

/** The name of the layer that owns `weight`, for messages. */
export function ownerName(layers: readonly Layer[], weight: Weight): string {
  return layers.find((l) => l.weights().includes(weight))?.name ?? '?';
}
