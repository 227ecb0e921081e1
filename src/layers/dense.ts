/**
 * Dense: a fully connected layer.
 *
 *   forward:   z = x·W + b          x: batch×in, W: in×units (the "kernel"), b: units
 *              y = f(z)              f = the activation
 *   backward:  dz = dy ⊙ f'(z)       f'(z) from y = f(z), or from z for gelu and swish
 *              dW = xᵀ·dz            (a TN product)
 *              db = Σ_rows dz
 *              dx = dz·Wᵀ            (an NT product; skipped for the first layer)
 *
 * Weights in Keras order: kernel [in, units], then bias [units].
 */

import { LAYER_ARGS, Layer, layerArgs, type LayerArgs } from './layer.js';
import { regularizerArgument } from '../regularizers.js';
import type { Batch } from '../core/batch.js';
import { gradientOf, type Regularizer, type Weight } from '../core/weight.js';
import { activationBackward, activationForward, derivativeNeedsInput, getActivation, savedActivationName, type ActivationName } from '../activations.js';
import { getInitializer, type Initializer, type InitializerName } from '../initializers.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';

export interface DenseArgs extends LayerArgs {
  /** Number of output units (positive integer). */
  units: number;
  /**
   * Activation applied to x·W + b: 'linear' (default), 'relu', 'sigmoid', 'tanh', 'softmax',
   * 'leakyRelu' (α = 0.2), 'elu' (α = 1), 'selu', 'gelu', 'softplus', 'swish' (see activations.ts).
   */
  activation?: ActivationName | string;
  /** Whether to add a bias vector (default true). */
  useBias?: boolean;
  /** Initializer of the kernel W (default 'glorotUniform'). */
  kernelInitializer?: InitializerName | Initializer | string;
  /** Initializer of the bias (default 'zeros'). */
  biasInitializer?: InitializerName | Initializer | string;
  /** Penalty on W added to the loss: nn.regularizers.l2(1e-3), or Keras's 'l1', 'l2', 'l1_l2' (factor 0.01). */
  kernelRegularizer?: Regularizer | string | null;
  /** Penalty on b added to the loss (as kernelRegularizer). */
  biasRegularizer?: Regularizer | string | null;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private kernel!: Weight;
  private bias: Weight | null = null;
  /** The last forward input (kept for dW = xᵀ·dz). */
  private lastInput: Batch | null = null;
  /**
   * z of the last forward pass, kept only when something reads it after forward: a fused loss
   * (f softmax or sigmoid), or f'(z) itself (f gelu or swish, whose f' is not a function of y).
   */
  private lastLogits: Batch | null = null;
  /** y = f(z) of the last forward pass (f'(z) is computed from it, except for gelu and swish). */
  private lastY: Batch | null = null;

  constructor(args: DenseArgs) {
    super(layerArgs('dense', args, {
      ...LAYER_ARGS, units: 'number', activation: ['string', 'null'], useBias: 'boolean',
      kernelInitializer: ['string', 'function'], biasInitializer: ['string', 'function'],
      kernelRegularizer: ['object', 'string', 'null'], biasRegularizer: ['object', 'string', 'null'],
    }, 'units'), 'dense');
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new ValueError(`${this.name}: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.activation = getActivation(args.activation, this.name);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = regularizerArgument(this.name, 'kernelRegularizer', args.kernelRegularizer);
    this.biasRegularizer = regularizerArgument(this.name, 'biasRegularizer', args.biasRegularizer);
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ShapeError(`${this.name}: expected a flat input of shape [features], got ${formatShape(inputShape)}; put a flatten layer first`);
    }
    return [this.units];
  }

  protected override buildWeights(): void {
    const fanIn = this.inputShape[0];
    this.kernel = this.addWeight('kernel', [fanIn, this.units], this.kernelInitializer, { regularizer: this.kernelRegularizer });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], this.biasInitializer, { regularizer: this.biasRegularizer });
    }
  }

  forward(x: Batch, _training: boolean): Batch {
    const k = this.kernels;
    const rows = x.rows;
    // z = x·W + b
    const z = this.buffers.get('z', rows, this.units);
    k.gemm(false, false, rows, this.units, this.inputSize, x.storage, this.kernel.value.storage, z.storage, false);
    if (this.bias) k.biasAdd(z.storage, this.bias.value.storage, z.storage, rows, this.units);
    // y = f(z): in place (z is then gone), except for softmax and sigmoid, whose logits z a
    // fused loss reads, and gelu and swish, whose f'(z) backward computes from z.
    const keepLogits = this.activation === 'softmax' || this.activation === 'sigmoid' || derivativeNeedsInput(this.activation);
    const y = keepLogits ? this.buffers.get('y', rows, this.units) : z;
    activationForward(k, this.activation, z, y);
    this.lastInput = x;
    this.lastLogits = keepLogits ? z : null;
    this.lastY = y;
    return y;
  }

  backward(dy: Batch, computeInputGradient = true): Batch {
    const y = this.requireForward();
    // dz = dy ⊙ f'(z), from y, or from z where it was kept for this (gelu, swish)
    const dz = this.buffers.get('dz', dy.rows, this.units);
    activationBackward(this.kernels, this.activation, this.lastLogits, y, dy, dz);
    return this.backwardFromLogits(dz, computeInputGradient);
  }

  override outputActivation(): ActivationName {
    return this.activation;
  }

  /** z = x·W + b of the last forward pass, when it was kept (f softmax or sigmoid for a fused loss). */
  override logits(): Batch {
    this.requireForward();
    if (this.lastLogits === null) return super.logits();
    return this.lastLogits;
  }

  /** Backward from dz = ∂loss/∂z directly (used when the loss is fused with the activation). */
  override backwardFromLogits(dz: Batch, computeInputGradient = true): Batch {
    const k = this.kernels;
    const x = this.requireInput();
    const rows = dz.rows;
    // dW = xᵀ·dz   (in×rows)·(rows×units)
    k.gemm(true, false, this.inputSize, this.units, rows, x.storage, dz.storage, gradientOf(this.kernel).storage, false);
    // db = Σ_rows dz
    if (this.bias) k.columnSums(dz.storage, gradientOf(this.bias).storage, rows, this.units, false);
    if (!computeInputGradient) return dz;
    // dx = dz·Wᵀ   (rows×units)·(units×in)
    const dx = this.buffers.get('dx', rows, this.inputSize);
    k.gemm(false, true, rows, this.inputSize, this.units, dz.storage, this.kernel.value.storage, dx.storage, false);
    return dx;
  }

  private requireInput(): Batch {
    if (this.lastInput === null) throw new ValueError(`${this.name}: backward called before forward`);
    return this.lastInput;
  }

  private requireForward(): Batch {
    if (this.lastY === null) throw new ValueError(`${this.name}: backward called before forward`);
    return this.lastY;
  }

  override getConfig(): Record<string, unknown> {
    // Initializers and regularizers as { className, config }, so each can be rebuilt.
    const serialized = (o: { className: string; getConfig(): Record<string, unknown> } | null) =>
      o === null ? null : { className: o.className, config: o.getConfig() };
    return {
      ...super.getConfig(),
      units: this.units,
      activation: savedActivationName(this.activation),
      useBias: this.useBias,
      kernelInitializer: serialized(this.kernelInitializer),
      biasInitializer: serialized(this.biasInitializer),
      kernelRegularizer: serialized(this.kernelRegularizer),
      biasRegularizer: serialized(this.biasRegularizer),
    };
  }
}

/** A fully connected layer: y = activation(x·W + b). */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
