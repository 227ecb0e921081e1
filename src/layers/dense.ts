/**
 * Dense: a fully connected layer.
 *
 *   forward:   z = x·W + b          x: batch×in, W: in×units (the "kernel"), b: units
 *              y = f(z)              f = the activation
 *   backward:  dz = dy ⊙ f'(z)
 *              dW = xᵀ·dz            (a TN product)
 *              db = Σ_rows dz
 *              dx = dz·Wᵀ            (an NT product; skipped for the first layer)
 *
 * Weights in Keras order: kernel [in, units], then bias [units].
 */

import { Layer, type Batch, type BuildContext, type LayerArgs, type Regularizer, type Weight } from './layer.js';
import { activationBackward, activationForward, getActivation, type ActivationName } from '../activations.js';
import { getInitializer, type Initializer, type InitializerName } from '../initializers.js';
import { Tensor } from '../tensor.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';

export interface DenseArgs extends LayerArgs {
  /** Number of output units (positive integer). */
  units: number;
  /** Activation applied to x·W + b: 'linear' (default), 'relu', 'sigmoid', 'tanh', 'softmax'. */
  activation?: ActivationName | string;
  /** Whether to add a bias vector (default true). */
  useBias?: boolean;
  /** Initializer of the kernel W (default 'glorotUniform'). */
  kernelInitializer?: InitializerName | Initializer | string;
  /** Initializer of the bias (default 'zeros'). */
  biasInitializer?: InitializerName | Initializer | string;
  /** Penalty on W added to the loss (e.g. nn.regularizers.l2(1e-3)). */
  kernelRegularizer?: Regularizer | null;
  /** Penalty on b added to the loss. */
  biasRegularizer?: Regularizer | null;
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
  private lastZ: Batch | null = null;
  private lastY: Batch | null = null;

  constructor(args: DenseArgs) {
    super(args, 'dense');
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new ValueError(`${this.name}: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.activation = getActivation(args.activation, this.name);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ?? null;
    this.biasRegularizer = args.biasRegularizer ?? null;
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ShapeError(`${this.name}: expected a flat input of shape [features], got ${formatShape(inputShape)}; put a flatten layer first`);
    }
    return [this.units];
  }

  protected override buildWeights(context: BuildContext): void {
    const fanIn = this.inputShape[0];
    const kernelShape = [fanIn, this.units];
    this.kernel = this.newWeight('kernel', kernelShape, this.kernelInitializer(kernelShape, context.random), this.kernelRegularizer);
    if (this.useBias) {
      this.bias = this.newWeight('bias', [this.units], this.biasInitializer([this.units], context.random), this.biasRegularizer);
    }
  }

  private newWeight(name: string, shape: number[], values: Float32Array, regularizer: Regularizer | null): Weight {
    const value = new Tensor(shape, this.kernels.alloc(values.length), this.kernels);
    value.data.set(values);
    const grad = new Tensor(shape, this.kernels.alloc(values.length), this.kernels);
    return { name, value, grad, trainable: true, regularizer };
  }

  override weights(): Weight[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }

  forward(x: Batch, _training: boolean): Batch {
    const k = this.kernels;
    const rows = x.rows;
    // z = x·W + b
    const z = this.buffers.get('z', rows, this.units);
    k.gemm(false, false, rows, this.units, this.inputSize, x.storage, this.kernel.value.storage, z.storage, false);
    if (this.bias) k.biasAdd(z.storage, this.bias.value.storage, z.storage, rows, this.units);
    // y = f(z): in place, except for softmax and sigmoid, whose logits z a fused loss reads.
    const keepLogits = this.activation === 'softmax' || this.activation === 'sigmoid';
    const y = keepLogits ? this.buffers.get('y', rows, this.units) : z;
    activationForward(k, this.activation, z, y);
    this.lastInput = x;
    this.lastZ = z;
    this.lastY = y;
    return y;
  }

  backward(dy: Batch, computeInputGradient = true): Batch {
    const y = this.requireForward();
    // dz = dy ⊙ f'(z)
    const dz = this.buffers.get('dz', dy.rows, this.units);
    activationBackward(this.kernels, this.activation, y, dy, dz);
    return this.backwardFromLogits(dz, computeInputGradient);
  }

  /** The pre-activation z of the last forward pass (the logits, when f is softmax). */
  logits(): Batch {
    this.requireForward();
    return this.lastZ!;
  }

  /** Backward from dz = ∂loss/∂z directly (used when the loss is fused with the activation). */
  backwardFromLogits(dz: Batch, computeInputGradient = true): Batch {
    const k = this.kernels;
    const x = this.lastInput!;
    const rows = dz.rows;
    // dW = xᵀ·dz   (in×rows)·(rows×units)
    k.gemm(true, false, this.inputSize, this.units, rows, x.storage, dz.storage, this.kernel.grad!.storage, false);
    // db = Σ_rows dz
    if (this.bias) k.columnSums(dz.storage, this.bias.grad!.storage, rows, this.units, false);
    if (!computeInputGradient) return dz;
    // dx = dz·Wᵀ   (rows×units)·(units×in)
    const dx = this.buffers.get('dx', rows, this.inputSize);
    k.gemm(false, true, rows, this.inputSize, this.units, dz.storage, this.kernel.value.storage, dx.storage, false);
    return dx;
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
      activation: this.activation,
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
