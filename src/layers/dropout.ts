/**
 * Dropout (Srivastava et al., 2014): in training, each unit is zeroed with probability
 * `rate`, so no unit can rely on any particular other unit being present.
 *
 * Inverted dropout (the default, as Keras):
 *   training:   mask_i = 1/(1-rate) with probability 1-rate, else 0;   y = x·mask
 *   inference:  y = x                                    (exactly: the input is returned)
 *   backward:   dx = dy·mask                             (the mask of the forward pass)
 *
 * Classic dropout (`variant: 'classic'`, the original paper's form):
 *   training:   mask_i = 1 with probability 1-rate, else 0;              y = x·mask
 *   inference:  y = (1-rate)·x
 *
 * Why they agree in expectation: a unit survives with probability 1-rate, so E[mask_i·x_i] =
 * (1-rate)·x_i. The next layer must see at inference what it saw on average in training.
 * Classic dropout shrinks at inference by that same factor 1-rate; inverted dropout instead
 * divides by 1-rate in training, so E[y] = x already and inference needs no change at all.
 *
 * The mask is drawn from a counter-based hash (docs/DESIGN.md, "Randomness"): element i of the
 * batch keeps its unit when u_i = (hash32(key + i) >>> 8)·2^-24 ≥ rate, with
 * key = mixKey(seed, layer index, step). The step counts training forward calls, so every
 * batch gets a fresh mask, and both backends draw the same mask for the same seed.
 */

import { LAYER_ARGS, Layer, layerArgs, type BuildContext, type LayerArgs } from './layer.js';
import type { Batch } from '../core/batch.js';
import { mixKey } from '../random.js';
import { ConfigError, ValueError } from '../errors.js';

export type DropoutVariant = 'inverted' | 'classic';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of units to drop in training, 0 ≤ rate < 1. */
  rate: number;
  /** Seed of this layer's masks (default: the model seed). */
  seed?: number | null;
  /** 'inverted' (default, Keras): scale by 1/(1-rate) in training; 'classic': scale by 1-rate at inference. */
  variant?: DropoutVariant;
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;
  readonly variant: DropoutVariant;
  /** The seed the masks use: this layer's own, else the model's (set by build). */
  private maskSeed = 0;
  private layerIndex = 0;
  /**
   * Training forward calls so far; each one draws a new mask. A checkpoint saved with its
   * optimizer keeps it, so a resumed fit draws the masks the uninterrupted one would have.
   */
  step = 0;
  /** The mask of the last training forward pass (null after an inference pass). */
  private lastMask: Batch | null = null;
  private forwardDone = false;

  constructor(args: DropoutArgs) {
    super(layerArgs('dropout', args, { ...LAYER_ARGS, rate: 'number', seed: ['integer', 'null'], variant: 'string' }, 'rate'), 'dropout');
    const rate = args.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new ValueError(`${this.name}: rate must be a number in [0, 1), got ${String(rate)}`);
    }
    const seed = args.seed ?? null;
    if (seed !== null && !Number.isInteger(seed)) {
      throw new ValueError(`${this.name}: seed must be an integer, got ${String(seed)}`);
    }
    const variant = args.variant ?? 'inverted';
    if (variant !== 'inverted' && variant !== 'classic') {
      throw new ConfigError(`${this.name}: variant must be 'inverted' or 'classic', got '${String(variant)}'`);
    }
    this.rate = rate;
    this.seed = seed;
    this.variant = variant;
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  protected override buildWeights(context: BuildContext): void {
    this.maskSeed = this.seed ?? context.seed;
    this.layerIndex = context.index;
  }

  /** The factor kept units are multiplied by in training. */
  get keepScale(): number {
    return this.variant === 'inverted' ? 1 / (1 - this.rate) : 1;
  }

  forward(x: Batch, training: boolean): Batch {
    this.forwardDone = true;
    const n = x.rows * x.cols;
    if (!training) {
      this.lastMask = null;
      if (this.variant === 'inverted') return x; // y = x
      const y = this.buffers.get('y', x.rows, x.cols);
      this.kernels.scale(x.storage, 1 - this.rate, y.storage, n); // y = (1-rate)·x
      return y;
    }
    // y = x·mask, mask_i = keepScale if u_i ≥ rate else 0
    const key = mixKey(this.maskSeed, this.layerIndex, this.step);
    this.step++;
    const mask = this.buffers.get('mask', x.rows, x.cols);
    const y = this.buffers.get('y', x.rows, x.cols);
    this.kernels.dropoutForward(x.storage, mask.storage, y.storage, n, key, this.rate, this.keepScale);
    this.lastMask = mask;
    return y;
  }

  backward(dy: Batch, computeInputGradient = true): Batch {
    if (!this.forwardDone) throw new ValueError(`${this.name}: backward called before forward`);
    if (!computeInputGradient) return dy; // no weights, and nobody reads dx
    const n = dy.rows * dy.cols;
    const dx = this.buffers.get('dx', dy.rows, dy.cols);
    if (this.lastMask === null) {
      // after an inference pass the layer was linear: dx = dy (inverted) or (1-rate)·dy (classic)
      if (this.variant === 'inverted') return dy;
      this.kernels.scale(dy.storage, 1 - this.rate, dx.storage, n);
      return dx;
    }
    this.kernels.dropoutBackward(dy.storage, this.lastMask.storage, dx.storage, n); // dx = dy·mask
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, variant: this.variant };
  }
}

/** Dropout: zeroes a fraction `rate` of the units in training (see the Dropout class). */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}
