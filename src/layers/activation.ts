/**
 * Activation: applies an activation function on its own, as a layer.
 *
 *   forward:   y = f(x)
 *   backward:  dx = dy ⊙ f'(x)      (see activations.ts for each f')
 *
 * `dense({ units, activation: 'relu' })` and `dense({ units })` followed by
 * `activation({ activation: 'relu' })` compute the same function. The layer keeps both its
 * input x (the logits a fused softmax loss reads, and what gelu's and swish's f' is computed
 * from) and its output y (what the other f' are computed from).
 *
 * LeakyReLU and ELU (leaky-relu.ts, elu.ts) are this layer with their own α.
 */

import { LAYER_ARGS, Layer, layerArgs, type LayerArgs } from './layer.js';
import type { Batch } from '../core/batch.js';
import { activationBackward, activationForward, defaultAlpha, getActivation, savedActivationName, type ActivationName } from '../activations.js';
import { ValueError } from '../errors.js';

export interface ActivationArgs extends LayerArgs {
  /**
   * 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu' (α = 0.2), 'elu' (α = 1),
   * 'selu', 'gelu', 'softplus' or 'swish' (see activations.ts).
   */
  activation: ActivationName | string;
}

export class Activation extends Layer {
  readonly className: string = 'Activation';
  readonly activation: ActivationName;
  /** α of leakyRelu and elu (the other activations ignore it). */
  readonly alpha: number;
  private lastX: Batch | null = null;
  private lastY: Batch | null = null;

  /**
   * `alpha` defaults to what Keras's activation function of that name takes (leakyRelu 0.2,
   * elu 1); the LeakyReLU and ELU layers pass their own, with their Keras name.
   */
  constructor(args: ActivationArgs, alpha?: number, snakeName = 'activation') {
    super(layerArgs('activation', args, { ...LAYER_ARGS, activation: 'string' }, 'activation'), snakeName);
    this.activation = getActivation(args.activation, this.name);
    this.alpha = alpha ?? defaultAlpha(this.activation);
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  forward(x: Batch, _training: boolean): Batch {
    // A separate output buffer: the input belongs to the layer before (and is the logits
    // the fused softmax loss reads).
    const y = this.activation === 'linear' ? x : this.buffers.get('y', x.rows, x.cols);
    activationForward(this.kernels, this.activation, x, y, this.alpha);
    this.lastX = x;
    this.lastY = y;
    return y;
  }

  backward(dy: Batch): Batch {
    if (this.lastY === null) throw new ValueError(`${this.name}: backward called before forward`);
    if (this.activation === 'linear') return dy;
    const dx = this.buffers.get('dx', dy.rows, dy.cols);
    activationBackward(this.kernels, this.activation, this.lastX, this.lastY, dy, dx, this.alpha);
    return dx;
  }

  override outputActivation(): ActivationName {
    return this.activation;
  }

  /** The input of the last forward pass (the logits, when f is softmax). */
  override logits(): Batch {
    if (this.lastX === null) throw new ValueError(`${this.name}: logits requested before forward`);
    return this.lastX;
  }

  /** Backward from ∂loss/∂x directly, when the loss is fused with this activation. */
  override backwardFromLogits(dz: Batch): Batch {
    return dz;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: savedActivationName(this.activation) };
  }
}

/** The options of a layer that is an activation with its own α (LeakyReLU, ELU). */
export interface AlphaActivationArgs extends LayerArgs {
  /** α of the activation (each layer states its range and default). */
  alpha?: number;
}

/** What a subclass of AlphaActivation fixes: its factory's name, its function, α's default and range. */
interface AlphaActivationSpec {
  factory: string;
  activation: ActivationName;
  /** Keras's default layer name: leaky_re_lu, elu. */
  snakeName: string;
  defaultAlpha: number;
  /** Throws a ValueError for an α outside the range where the kernel's formulas hold. */
  check(where: string, name: string, value: number): void;
}

/** An Activation layer whose α is an argument of its own (Keras's LeakyReLU and ELU layers). */
export abstract class AlphaActivation extends Activation {
  constructor(args: AlphaActivationArgs, spec: AlphaActivationSpec) {
    layerArgs(spec.factory, args, { ...LAYER_ARGS, alpha: 'number' }, 'alpha');
    const alpha = args.alpha ?? spec.defaultAlpha;
    spec.check(spec.factory, 'alpha', alpha);
    super({ name: args.name, inputShape: args.inputShape, activation: spec.activation }, alpha, spec.snakeName);
  }

  override getConfig(): Record<string, unknown> {
    // The layer's class says which activation it is: Keras's config holds α, not a name.
    const { activation: _activation, ...base } = super.getConfig();
    return { ...base, alpha: this.alpha };
  }
}

/** Applies an activation function to its input. */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
