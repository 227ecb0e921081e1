/**
 * What every layer is (DESIGN.md, "Layers"): `build` creates the weights for an input
 * shape, `forward` maps a batch to a batch, `backward` maps ∂loss/∂output to ∂loss/∂input
 * and accumulates the gradients of the layer's own weights. There is no autograd tape:
 * each layer writes its backward pass out, next to its forward pass.
 *
 * Batches are row-major matrices: `rows` samples of `cols` features each (a per-sample
 * shape like [28, 28] is flattened to 784 columns; the shape is kept in `outputShape`).
 * Layers own their output and gradient buffers, sized for the largest batch seen and used
 * narrower for a short last batch, so a training step allocates nothing in steady state.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import type { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import { sizeOf } from '../tensor.js';
import { ShapeError, formatShape } from '../errors.js';

/** A batch of activations: `rows` samples × `cols` features, row-major in `storage`. */
export interface Batch {
  storage: Storage;
  rows: number;
  cols: number;
}

/** A penalty on a weight, added to the loss (see regularizers.ts). */
export interface Regularizer {
  /** The penalty value for weights w (n values), e.g. λ·Σw². */
  penalty(kernels: Kernels, w: Storage, n: number): number;
  /** grad += ∂penalty/∂w. */
  addGradient(kernels: Kernels, w: Storage, grad: Storage, n: number): void;
  getConfig(): Record<string, unknown>;
  readonly className: string;
}

/** A weight of a layer. Non-trainable weights (moving statistics) have no gradient. */
export interface Weight {
  /** Keras name within the layer: 'kernel', 'bias', 'gamma', 'moving_mean', ... */
  name: string;
  value: Tensor;
  /** ∂loss/∂value, same shape; null when not trainable. */
  grad: Tensor | null;
  trainable: boolean;
  regularizer: Regularizer | null;
}

/** What a model hands a layer when building it. */
export interface BuildContext {
  kernels: Kernels;
  /** Generator for this layer's initializers (derived from the model seed and layer index). */
  random: Random;
  /** The model seed (dropout hashes it with the layer index and step). */
  seed: number;
  /** Position of the layer in the model, from 0. */
  index: number;
}

export interface LayerArgs {
  /** Per-sample input shape (without the batch dimension), for the first layer. */
  inputShape?: number[];
  /** Layer name; defaults to `<className>_<n>` as Keras does. */
  name?: string;
}

const nameCounters = new Map<string, number>();

/** Keras-style default names: dense, dense_1, dense_2, ... */
export function uniqueName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  /** Per-sample input shape given by the user (first layer only). */
  readonly declaredInputShape: number[] | null;
  inputShape: number[] = [];
  outputShape: number[] = [];
  built = false;
  protected kernels!: Kernels;

  constructor(args: LayerArgs, snakeName: string) {
    this.name = args.name ?? uniqueName(snakeName);
    this.declaredInputShape = args.inputShape ? [...args.inputShape] : null;
    if (this.declaredInputShape) {
      for (const d of this.declaredInputShape) {
        if (!Number.isInteger(d) || d <= 0) throw new ShapeError(`${this.name}: inputShape ${formatShape(this.declaredInputShape)} must hold positive integers`);
      }
    }
  }

  /** Number of input features per sample. */
  get inputSize(): number {
    return sizeOf(this.inputShape);
  }

  /** Number of output features per sample. */
  get outputSize(): number {
    return sizeOf(this.outputShape);
  }

  /** Creates weights for a per-sample input shape; sets inputShape and outputShape. */
  build(inputShape: number[], context: BuildContext): void {
    this.kernels = context.kernels;
    this.inputShape = [...inputShape];
    this.outputShape = this.computeOutputShape(inputShape);
    this.buildWeights(context);
    this.built = true;
  }

  protected abstract computeOutputShape(inputShape: number[]): number[];
  protected buildWeights(_context: BuildContext): void {}

  /** y = layer(x). `training` selects training behaviour (dropout, batch statistics). */
  abstract forward(x: Batch, training: boolean): Batch;
  /**
   * Given dy = ∂loss/∂y for the last forward batch, writes the gradients of the layer's own
   * weights (overwriting: one batch, one gradient) and returns dx = ∂loss/∂x. The model passes
   * `computeInputGradient = false` to the first layer, whose dx nobody needs.
   */
  abstract backward(dy: Batch, computeInputGradient?: boolean): Batch;

  /** The layer's weights in Keras order. */
  weights(): Weight[] {
    return [];
  }

  /**
   * Keras-style config (the constructor arguments), used by summary and save. Every layer
   * starts with Keras's base fields: wasmnn layers are always trainable float32, and the
   * first layer carries its input shape with a null batch dimension.
   */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: true };
    if (this.declaredInputShape) config.batchInputShape = [null, ...this.declaredInputShape];
    config.dtype = 'float32';
    return config;
  }

  /** Frees the layer's weights and buffers. */
  dispose(): void {
    for (const w of this.weights()) {
      w.value.dispose();
      w.grad?.dispose();
    }
    this.buffers.disposeAll();
  }

  /** Output and gradient buffers, grown to the largest batch and reused. */
  protected readonly buffers = new BufferPool(() => this.kernels);
}

/** Named buffers of `rows × cols` floats that grow only when a larger batch arrives. */
export class BufferPool {
  private readonly pool = new Map<string, { storage: Storage; capacity: number }>();

  constructor(private readonly getKernels: () => Kernels) {}

  /** A Batch view of buffer `key` with room for rows × cols (reallocated only to grow). */
  get(key: string, rows: number, cols: number): Batch {
    const needed = rows * cols;
    let entry = this.pool.get(key);
    if (entry === undefined || entry.capacity < needed) {
      if (entry) this.getKernels().free(entry.storage);
      entry = { storage: this.getKernels().alloc(Math.max(needed, 1)), capacity: Math.max(needed, 1) };
      this.pool.set(key, entry);
    }
    return { storage: entry.storage, rows, cols };
  }

  disposeAll(): void {
    for (const entry of this.pool.values()) this.getKernels().free(entry.storage);
    this.pool.clear();
  }
}
