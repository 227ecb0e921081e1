/**
 * What every layer is: `build` creates the weights for an input shape, `forward` maps a
 * batch to a batch, `backward` maps ∂loss/∂output to ∂loss/∂input and writes the gradients
 * of the layer's own weights. There is no autograd tape: each layer writes its backward
 * pass out, next to its forward pass.
 *
 * Batches are row-major matrices (core/batch.ts). Layers own their output and gradient
 * buffers (core/buffer-pool.ts), sized for the largest batch seen and used narrower for a
 * short last batch, so a training step allocates nothing in steady state.
 *
 * The fused output. A layer that ends in softmax or sigmoid can hand the loss its logits z
 * instead of its output p = f(z): cross-entropy on the logits has the gradient p − t
 * directly (the derivation is in losses.ts), which is exact and stable where going through
 * f'(z) is neither. Such a layer overrides `outputActivation`, `logits` and
 * `backwardFromLogits`; the model asks the last layer and the loss whether to fuse.
 */

import { MAX_MEMORY_BYTES, formatBytes, type Kernels } from '../backend/kernels.js';
import type { Batch } from '../core/batch.js';
import type { Regularizer, Weight } from '../core/weight.js';
import { BufferPool } from '../core/buffer-pool.js';
import type { ActivationName } from '../activations.js';
import type { Initializer } from '../initializers.js';
import type { Random } from '../random.js';
import { Tensor, keep, sizeOf } from '../tensor.js';
import { ConfigError, DisposedError, MemoryLimitError, ShapeError, formatShape } from '../errors.js';
import { checkOptions, type OptionSpec } from '../options.js';

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

/** Options of `addWeight`. */
export interface WeightOptions {
  /** Whether the optimizer updates it (default true); only trainable weights get a gradient. */
  trainable?: boolean;
  /** A penalty on it, added to the loss (default none). */
  regularizer?: Regularizer | null;
}

/** The options every layer takes. */
export const LAYER_ARGS: OptionSpec<LayerArgs> = { inputShape: 'array', name: 'string' };

/**
 * Checks a layer's options (unknown keys, types) before anything is built. A Keras-style
 * positional call such as `dense(128)` gets the options form in the message.
 */
export function layerArgs<T>(where: string, args: T, spec: OptionSpec<T>, positional?: keyof T): T {
  if (positional !== undefined && (typeof args === 'number' || typeof args === 'string')) {
    const shown = typeof args === 'string' ? `'${args}'` : String(args);
    throw new ConfigError(`${where}: options are passed by name, as in ${where}({ ${String(positional)}: ${shown} })`);
  }
  if (positional !== undefined && (args === undefined || args === null)) {
    throw new ConfigError(`${where}: options are required, at least ${where}({ ${String(positional)}: ... })`);
  }
  checkOptions(where, args, spec);
  return args;
}

const nameCounters = new Map<string, number>();

/** Keras-style default names: dense, dense_1, dense_2, ... */
function uniqueName(base: string): string {
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
  /** The model this layer was built into; a layer belongs to one model only. */
  private owner: object | null = null;
  private disposed = false;
  protected kernels!: Kernels;
  /** The generator of this layer's initializers, from the build context. */
  private random: Random | null = null;
  /** Weights in the order they were added: Keras order. */
  private readonly weightList: Weight[] = [];

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

  /**
   * Creates weights for a per-sample input shape; sets inputShape and outputShape. A layer is
   * built once, into one model (`owner`): putting it into a second model would re-create its
   * weights under the first one, so that is refused. If building fails part way, the weights
   * made so far are freed and the layer is left unbuilt.
   */
  build(inputShape: number[], context: BuildContext, owner: object = context): void {
    this.assertLive();
    this.assertOwnable(owner);
    if (this.built) throw new ConfigError(`${this.name}: the layer is already built`);
    this.kernels = context.kernels;
    this.random = context.random;
    const outputShape = this.computeOutputShape(inputShape);
    this.inputShape = [...inputShape];
    this.outputShape = outputShape;
    try {
      this.buildWeights(context);
    } catch (error) {
      this.freeWeights();
      throw error;
    }
    this.owner = owner;
    this.built = true;
  }

  /**
   * Makes the layer part of `owner` before it is built: a model whose first layer has no
   * inputShape builds its layers later, but a layer still belongs to one model from the
   * moment it is added, so adding it to a second one is refused here, not at the build.
   */
  attachTo(owner: object): void {
    this.assertLive();
    this.assertOwnable(owner);
    this.owner = owner;
  }

  private assertOwnable(owner: object): void {
    if (this.owner !== null && this.owner !== owner) {
      throw new ConfigError(`${this.name}: this layer already belongs to another model; layers cannot be shared between models, so create a new ${this.className} for each`);
    }
  }

  /**
   * Undoes `build`: frees the weights and buffers and leaves the layer unbuilt, still in its
   * model. A model that builds all its layers at once (on the first fit) calls it on those it
   * built when a later one fails, so a failed build leaves nothing allocated.
   */
  unbuild(): void {
    this.freeWeights();
    this.buffers.disposeAll();
    this.random = null;
    this.inputShape = [];
    this.outputShape = [];
    this.built = false;
  }

  /**
   * The smallest batch the layer can train on (1 for most; batch normalization needs 2,
   * since the variance of one sample is 0). `fit` checks every batch against it up front.
   */
  get minTrainingBatch(): number {
    return 1;
  }

  protected abstract computeOutputShape(inputShape: number[]): number[];
  protected buildWeights(_context: BuildContext): void {}

  /**
   * Creates a weight of `shape` filled by `initializer`, as Keras's `add_weight`. A trainable
   * weight also gets a gradient buffer of the same shape. Call it from `buildWeights`; the
   * order of the calls is the order of `weights()`.
   */
  protected addWeight(name: string, shape: number[], initializer: Initializer, options: WeightOptions = {}): Weight {
    if (this.random === null) throw new ConfigError(`${this.name}: addWeight is called from buildWeights, during build`);
    const trainable = options.trainable ?? true;
    // Room for the value and its gradient, checked before the initializer fills a JS array.
    const floats = sizeOf(shape) * (trainable ? 2 : 1);
    if (floats * 4 > MAX_MEMORY_BYTES - this.kernels.memoryStats().bytesInUse) {
      throw new MemoryLimitError(
        `${this.name}: weight '${name}' of shape ${formatShape(shape)} needs ${formatBytes(floats * 4)} with its gradient, ` +
          `more than the ${formatBytes(MAX_MEMORY_BYTES - this.kernels.memoryStats().bytesInUse)} of WebAssembly memory left; nothing was allocated`,
      );
    }
    const values = initializer(shape, this.random);
    // A model's weights are its own: `keep` puts them out of reach of any enclosing tidy.
    const value = keep(new Tensor(shape, this.kernels.alloc(values.length), this.kernels));
    value.data.set(values);
    const grad = trainable ? keep(new Tensor(shape, this.kernels.alloc(values.length), this.kernels)) : null;
    const weight: Weight = { name, value, grad, trainable, regularizer: options.regularizer ?? null };
    this.weightList.push(weight);
    return weight;
  }

  /** y = layer(x). `training` selects training behaviour (dropout, batch statistics). */
  abstract forward(x: Batch, training: boolean): Batch;
  /**
   * Given dy = ∂loss/∂y for the last forward batch, writes the gradients of the layer's own
   * weights (overwriting: one batch, one gradient) and returns dx = ∂loss/∂x. The model passes
   * `computeInputGradient = false` to the first layer, whose dx nobody needs.
   */
  abstract backward(dy: Batch, computeInputGradient?: boolean): Batch;

  /** The activation the layer ends with, which a loss may fuse with ('linear' if none). */
  outputActivation(): ActivationName {
    return 'linear';
  }

  /** The logits z of the last forward pass: the input of the final activation. */
  logits(): Batch {
    throw new ConfigError(`${this.name}: a ${this.className} layer has no logits to fuse with the loss`);
  }

  /** Backward from dz = ∂loss/∂z (the logits) when the loss is fused with the activation. */
  backwardFromLogits(_dz: Batch, _computeInputGradient?: boolean): Batch {
    throw new ConfigError(`${this.name}: a ${this.className} layer has no logits to fuse with the loss`);
  }

  /** The layer's weights in Keras order. */
  weights(): Weight[] {
    return [...this.weightList];
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

  /** Frees the layer's weights and buffers. Using the layer afterwards is a DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.freeWeights();
    this.buffers.disposeAll();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Throws DisposedError if the layer's memory has been returned. */
  protected assertLive(): void {
    if (this.disposed) throw new DisposedError(`${this.name}: the layer was disposed (with its model); create a new one`);
  }

  private freeWeights(): void {
    for (const w of this.weightList) {
      w.value.dispose();
      w.grad?.dispose();
    }
    this.weightList.length = 0;
  }

  /** Output and gradient buffers, grown to the largest batch and reused. */
  protected readonly buffers = new BufferPool(() => this.kernels);
}
