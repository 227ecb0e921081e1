/**
 * Activation: applies an activation function on its own, as a layer.
 *
 *   forward:   y = f(x)
 *   backward:  dx = dy ⊙ f'(x)      (see activations.ts for each f')
 *
 * `dense({ units, activation: 'relu' })` and `dense({ units })` followed by
 * `activation({ activation: 'relu' })` compute the same function.
 */

import { LAYER_ARGS, Layer, layerArgs, type LayerArgs } from './layer.js';
import type { Batch } from '../core/batch.js';
import { activationBackward, activationForward, getActivation, type ActivationName } from '../activations.js';
import { ValueError } from '../errors.js';

export interface ActivationArgs extends LayerArgs {
  /** 'linear', 'relu', 'sigmoid', 'tanh' or 'softmax'. */
  activation: ActivationName | string;
}

export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: ActivationName;
  private lastX: Batch | null = null;
  private lastY: Batch | null = null;

  constructor(args: ActivationArgs) {
    super(layerArgs('activation', args, { ...LAYER_ARGS, activation: 'string' }, 'activation'), 'activation');
    this.activation = getActivation(args.activation, this.name);
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  forward(x: Batch, _training: boolean): Batch {
    // A separate output buffer: the input belongs to the layer before (and is the logits
    // the fused softmax loss reads).
    const y = this.activation === 'linear' ? x : this.buffers.get('y', x.rows, x.cols);
    activationForward(this.kernels, this.activation, x, y);
    this.lastX = x;
    this.lastY = y;
    return y;
  }

  backward(dy: Batch): Batch {
    if (this.lastY === null) throw new ValueError(`${this.name}: backward called before forward`);
    if (this.activation === 'linear') return dy;
    const dx = this.buffers.get('dx', dy.rows, dy.cols);
    activationBackward(this.kernels, this.activation, this.lastY, dy, dx);
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
    return { ...super.getConfig(), activation: this.activation };
  }
}

/** Applies an activation function to its input. */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
