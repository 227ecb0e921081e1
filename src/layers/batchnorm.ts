/**
 * Batch normalization (Ioffe & Szegedy, 2015): standardizes each feature over the batch,
 * then lets the network rescale and shift it with learned gamma and beta.
 *
 * Training (statistics of this batch, per feature j, over the m samples):
 *   mean = (1/m)·Σ x              var = (1/m)·Σ (x - mean)²     (biased, computed in two passes)
 *   xhat = (x - mean)/sqrt(var + epsilon)
 *   y    = gamma·xhat + beta
 *   movingMean     = movingMean·momentum     + mean·(1 - momentum)
 *   movingVariance = movingVariance·momentum + var·(1 - momentum)     (the biased var, as Keras)
 * Inference (the moving statistics, nothing is updated):
 *   y = gamma·(x - movingMean)/sqrt(movingVariance + epsilon) + beta
 * Backward (training mode; mean and var depend on x), with N = m:
 *   dbeta = Σ dy     dgamma = Σ dy·xhat
 *   dx = (gamma/(N·sqrt(var + epsilon)))·(N·dy - dbeta - xhat·dgamma)
 *
 * Momentum follows Keras: it is the weight of the *old* moving value, so the default 0.99
 * moves the statistics 1% of the way towards each batch's. PyTorch's `momentum` is the
 * weight of the *new* batch statistic: torch momentum = 1 - keras momentum (Keras 0.99 is
 * PyTorch 0.01; PyTorch's default 0.1 is Keras 0.9). PyTorch also updates its running
 * variance with the unbiased batch variance; Keras and wasmnn use the biased one.
 *
 * A training batch of one sample is an error (ValueError), as in PyTorch: its variance is
 * 0, so every output would be exactly beta and no gradient would reach the layers below.
 *
 * Weights in Keras order: gamma (if scale), beta (if center), moving_mean, moving_variance;
 * the moving statistics are weights too, but not trainable (no gradient).
 * Per-sample input: a vector of features, shape [n].
 */

import { LAYER_ARGS, Layer, layerArgs, type LayerArgs } from './layer.js';
import type { Batch } from '../core/batch.js';
import type { Weight } from '../core/weight.js';
import { ones, zeros } from '../initializers.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** Weight of the old moving statistics in their update, 0 ≤ momentum ≤ 1 (default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root, > 0 (default 1e-3). */
  epsilon?: number;
  /** Learn an offset beta (default true); without it beta is 0. */
  center?: boolean;
  /** Learn a scale gamma (default true); without it gamma is 1. */
  scale?: boolean;
}

export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: Weight | null = null;
  private beta: Weight | null = null;
  private movingMean!: Weight;
  private movingVariance!: Weight;
  /** What the last training forward saved for backward (xhat and 1/sqrt(var + epsilon)). */
  private saved: { xhat: Batch; invStd: Batch } | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(layerArgs('batchNormalization', args, { ...LAYER_ARGS, momentum: 'number', epsilon: 'number', center: 'boolean', scale: 'boolean' }), 'batch_normalization');
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`${this.name}: momentum must be a number in [0, 1], got ${String(this.momentum)}`);
    }
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0 && Number.isFinite(this.epsilon))) {
      throw new ValueError(`${this.name}: epsilon must be a positive number, got ${String(this.epsilon)}`);
    }
  }

  /** A batch of one has variance 0: every output would be beta and no gradient would pass. */
  override get minTrainingBatch(): number {
    return 2;
  }

  /** Number of features (the size of each sample). */
  get features(): number {
    return this.inputShape[0];
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ShapeError(`${this.name}: expected a per-sample input of shape [features], got ${formatShape(inputShape)}; put a flatten layer first`);
    }
    return [...inputShape];
  }

  protected override buildWeights(): void {
    const shape = [this.features];
    if (this.scale) this.gamma = this.addWeight('gamma', shape, ones);
    if (this.center) this.beta = this.addWeight('beta', shape, zeros);
    this.movingMean = this.addWeight('moving_mean', shape, zeros, { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', shape, ones, { trainable: false });
  }

  forward(x: Batch, training: boolean): Batch {
    const k = this.kernels, m = x.rows, n = this.features;
    if (x.cols !== n) throw new ShapeError(`${this.name}: expected ${n} features per sample, got ${x.cols}`);
    const gamma = this.gamma?.value.storage ?? null, beta = this.beta?.value.storage ?? null;
    const y = this.buffers.get('y', m, n);
    if (!training) {
      // y = gamma·(x - movingMean)/sqrt(movingVariance + epsilon) + beta
      this.saved = null;
      k.batchNormForwardInference(x.storage, gamma, beta, this.movingMean.value.storage, this.movingVariance.value.storage, y.storage, m, n, this.epsilon);
      return y;
    }
    if (m === 1) {
      throw new ValueError(
        `${this.name}: training needs a batch of at least 2 samples (a batch of 1 has variance 0), got 1; ` +
          'if this is the last batch of an epoch, choose a batchSize that does not leave a single sample over',
      );
    }
    // mean, var of the batch; xhat = (x - mean)/sqrt(var + epsilon); y = gamma·xhat + beta
    const xhat = this.buffers.get('xhat', m, n);
    const mean = this.buffers.get('mean', 1, n), variance = this.buffers.get('variance', 1, n);
    const invStd = this.buffers.get('invStd', 1, n);
    k.batchNormForwardTraining(x.storage, gamma, beta, y.storage, xhat.storage, mean.storage, variance.storage, invStd.storage, m, n, this.epsilon);
    this.saved = { xhat, invStd };
    if (m > 0) {
      // moving = moving·momentum + batch statistic·(1 - momentum)
      k.movingAverage(this.movingMean.value.storage, mean.storage, this.momentum, n);
      k.movingAverage(this.movingVariance.value.storage, variance.storage, this.momentum, n);
    }
    return y;
  }

  backward(dy: Batch): Batch {
    if (this.saved === null) {
      throw new ValueError(`${this.name}: backward needs a training-mode forward pass first`);
    }
    const m = dy.rows, n = this.features;
    // dbeta = Σ dy, dgamma = Σ dy·xhat (overwritten); dx = (gamma·invStd/N)·(N·dy - dbeta - xhat·dgamma).
    // Without gamma or beta the sums still feed dx: they go to scratch buffers instead.
    const dgamma = this.gamma?.grad?.storage ?? this.buffers.get('dgammaScratch', 1, n).storage;
    const dbeta = this.beta?.grad?.storage ?? this.buffers.get('dbetaScratch', 1, n).storage;
    const dx = this.buffers.get('dx', m, n);
    this.kernels.batchNormBackward(
      dy.storage, this.saved.xhat.storage, this.gamma?.value.storage ?? null, this.saved.invStd.storage, dx.storage,
      dgamma, dbeta, m, n,
    );
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}

/** Batch normalization over the features of each sample (see the BatchNormalization class). */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
