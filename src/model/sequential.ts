/**
 * Sequential: a stack of layers, each feeding the next. This file is the model itself:
 * building the layers, compile, the weights, evaluate and predict. Training is in two
 * files beside it: the step on one minibatch (train-step.ts) and the epoch loop (fit.ts).
 *
 *   const model = nn.sequential([nn.layers.dense({ units: 64, activation: 'relu', inputShape: [20] }),
 *                                nn.layers.dense({ units: 10, activation: 'softmax' })], { seed: 42 });
 *   model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 *   await model.fit(x, y, { epochs: 10, validationSplit: 0.1 });
 */

import type { Kernels } from '../backend/kernels.js';
import { kernels as activeKernels } from '../backend/backend.js';
import type { Batch } from '../core/batch.js';
import { BufferPool } from '../core/buffer-pool.js';
import type { Weight } from '../core/weight.js';
import type { Layer } from '../layers/layer.js';
import { Random, mixKey, nextModelSeed } from '../random.js';
import { Tensor, sizeOf, type TensorLike } from '../tensor.js';
import { computeLoss, getLoss, type LossName } from '../losses.js';
import { accuracySum, getMetric, type MetricName } from '../metrics.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import type { Callback, Logs, TrainingModel } from '../callbacks/callback.js';
import type { History } from '../callbacks/history.js';
import { ConfigError, ShapeError, ValueError, formatShape } from '../errors.js';
import { requireInteger } from '../arguments.js';
import { gatherRows, sliceRows, toInputs, toTargets, type ModelInput, type RowMatrix } from './data.js';
import { fitLoop, fitSettings, type FitData } from './fit.js';
import { fusedOutputLayer, ownerName, penaltyOf, type Network } from './train-step.js';
import { formatSummary } from './summary.js';

export interface SequentialOptions {
  /** Seed for initializers, shuffling and dropout masks. Default: drawn from `setSeed`'s stream. */
  seed?: number;
  /** Model name (default 'sequential'). */
  name?: string;
}

export interface CompileOptions {
  /** An optimizer instance (nn.optimizers.adam(...)) or a name: 'sgd', 'rmsprop', 'adam', 'adamw'. */
  optimizer: Optimizer | string;
  /** 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError' (or Keras snake_case). */
  loss: string;
  /** ['accuracy'] to track accuracy next to the loss. */
  metrics?: string[];
}

export interface FitOptions {
  /** Index of the last epoch + 1 (default 1). Training runs epochs initialEpoch .. epochs-1. */
  epochs?: number;
  /** Samples per gradient step (default 32). The last batch of an epoch may be shorter. */
  batchSize?: number;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /**
   * Fraction of the data held out for validation: as in Keras, the LAST fraction of the
   * samples, taken before shuffling (so shuffled or sorted data matters). Default 0.
   */
  validationSplit?: number;
  /** [x, y] to validate on after each epoch (x may be Pixels); takes precedence over validationSplit. */
  validationData?: [ModelInput, TensorLike];
  /** Shuffle the training samples before each epoch (default true; seeded by the model seed). */
  shuffle?: boolean;
  /** Callback objects (see callbacks/callback.ts). */
  callbacks?: Callback[] | Callback;
  /** Epoch to start from, for resuming (default 0). */
  initialEpoch?: number;
}

export interface EvaluateOptions {
  /** Samples per forward pass (default 32). */
  batchSize?: number;
}

/** Results of `evaluate`: { loss, accuracy? }. */
export type EvaluationResult = Record<string, number>;

/** Label of the shuffle stream derived from the model seed. */
const STREAM_SHUFFLE = 0x5348;

interface Compiled {
  optimizer: Optimizer;
  loss: LossName;
  metrics: MetricName[];
}

export class Sequential implements TrainingModel {
  readonly className = 'Sequential';
  readonly name: string;
  readonly layers: Layer[] = [];
  readonly seed: number;
  /** Set to true by a callback to end `fit` after the current epoch. */
  stopTraining = false;
  /** The History of the current (or last) fit. */
  history: History | null = null;
  private compiled: Compiled | null = null;
  private backend: Kernels | null = null;
  private readonly shuffleRandom: Random;
  /** Model-owned batch buffers: inputs 'x', targets 't', loss gradient 'grad'. */
  private readonly buffers = new BufferPool(() => this.kernels);
  private training = false;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new ValueError(`sequential: seed must be an integer, got ${options.seed}`);
    }
    this.seed = options.seed ?? nextModelSeed();
    this.name = options.name ?? 'sequential';
    this.shuffleRandom = new Random(mixKey(this.seed, STREAM_SHUFFLE));
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer. The first layer must declare `inputShape`. */
  add(layer: Layer): void {
    const previous = this.layers.at(-1);
    const inputShape = previous?.outputShape ?? layer.declaredInputShape;
    if (inputShape === null) {
      throw new ConfigError(`sequential: the first layer (${layer.name}) needs an inputShape, e.g. dense({ units: 64, inputShape: [784] })`);
    }
    if (this.layers.length > 0 && layer.declaredInputShape !== null) {
      const expected = this.layers[this.layers.length - 1].outputShape;
      if (sizeOf(layer.declaredInputShape) !== sizeOf(expected)) {
        throw new ShapeError(`${layer.name}: inputShape ${formatShape(layer.declaredInputShape)} does not match the previous layer's output ${formatShape(expected)}`);
      }
    }
    if (this.layers.some((l) => l.name === layer.name)) throw new ConfigError(`sequential: two layers are named '${layer.name}'`);
    const context = {
      kernels: this.kernels,
      random: new Random(mixKey(this.seed, this.layers.length)),
      seed: this.seed,
      index: this.layers.length,
    };
    layer.build(inputShape, context);
    this.layers.push(layer);
  }

  private get kernels(): Kernels {
    this.backend ??= activeKernels();
    return this.backend;
  }

  /** Per-sample input shape. */
  get inputShape(): number[] {
    this.requireLayers();
    return this.layers[0].inputShape;
  }

  /** Per-sample output shape. */
  get outputShape(): number[] {
    this.requireLayers();
    return this.layers[this.layers.length - 1].outputShape;
  }

  private get outputSize(): number {
    return sizeOf(this.outputShape);
  }

  /** The optimizer given to compile (its learningRate may be changed during training). */
  get optimizer(): Optimizer {
    return this.requireCompiled().optimizer;
  }

  get loss(): LossName {
    return this.requireCompiled().loss;
  }

  compile(options: CompileOptions): void {
    if (options === undefined || options === null) throw new ConfigError('compile: options { optimizer, loss } are required');
    if (options.loss === undefined) throw new ConfigError("compile: 'loss' is required, e.g. 'sparseCategoricalCrossentropy'");
    if (options.optimizer === undefined) throw new ConfigError("compile: 'optimizer' is required, e.g. nn.optimizers.adam()");
    const loss = getLoss(options.loss);
    const metrics = (options.metrics ?? []).map(getMetric);
    const optimizer = getOptimizer(options.optimizer);
    this.compiled = { optimizer, loss, metrics };
  }

  // ---- weights ----------------------------------------------------------------------------

  /** All weights in Keras order (per layer: kernel, bias; gamma, beta, moving mean, moving variance). */
  weights(): Weight[] {
    return this.layers.flatMap((l) => l.weights());
  }

  /** Copies of the weights, in Keras order. */
  getWeights(): Tensor[] {
    return this.weights().map((w) => w.value.reshape(w.value.shape));
  }

  /** Replaces the weights, in getWeights order; each entry a Tensor or Float32Array of the right size. */
  setWeights(weights: (Tensor | Float32Array | number[])[]): void {
    const targets = this.weights();
    if (!Array.isArray(weights) || weights.length !== targets.length) {
      throw new ShapeError(`setWeights: expected ${targets.length} weights, got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    // Check every entry before changing anything.
    const sources = weights.map((w, i) => {
      const target = targets[i];
      const owner = ownerName(this.layers, target);
      if (w instanceof Tensor) {
        if (w.shape.length !== target.value.shape.length || w.shape.some((d, j) => d !== target.value.shape[j])) {
          throw new ShapeError(`setWeights: ${owner}/${target.name} expects shape ${formatShape(target.value.shape)}, got ${formatShape(w.shape)}`);
        }
        return w.data;
      }
      const values = w instanceof Float32Array ? w : Float32Array.from(w);
      if (values.length !== target.value.size) {
        throw new ShapeError(`setWeights: ${owner}/${target.name} expects ${target.value.size} values (shape ${formatShape(target.value.shape)}), got ${values.length}`);
      }
      return values;
    });
    for (let i = 0; i < sources.length; i++) targets[i].value.data.set(sources[i]);
  }

  /** Number of weights: trainable and not. */
  countParams(): { trainable: number; nonTrainable: number } {
    let trainable = 0, nonTrainable = 0;
    for (const w of this.weights()) {
      if (w.trainable) trainable += w.value.size;
      else nonTrainable += w.value.size;
    }
    return { trainable, nonTrainable };
  }

  /** Prints (and returns) a Keras-like table of layers, output shapes and parameter counts. */
  summary(print: (line: string) => void = console.log): string {
    const text = formatSummary(this);
    print(text);
    return text;
  }

  // ---- training ---------------------------------------------------------------------------

  /**
   * Trains for `epochs` epochs of minibatch steps and returns the History. Async: it yields
   * to the event loop between batches so a browser page stays responsive. x is float data, or
   * Pixels (bytes and a scale), which are converted to float32 one batch at a time.
   */
  async fit(x: ModelInput, y: TensorLike, options: FitOptions = {}): Promise<History> {
    const compiled = this.requireCompiled();
    if (this.training) throw new ConfigError('fit: this model is already training');
    const settings = fitSettings(options);
    const data = this.fitData(x, y, options.validationData, settings.validationSplit);
    const callbacks = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
    this.training = true;
    try {
      return await fitLoop({
        model: this,
        network: this.network(compiled),
        metrics: compiled.metrics,
        buffers: this.buffers,
        shuffleRandom: this.shuffleRandom,
        evaluate: (inputs, targets) => this.evaluateRows(inputs, targets, settings.batchSize),
        callbacks,
      }, data, settings);
    } finally {
      this.training = false;
    }
  }

  /** Training rows and validation rows: explicit, or the last fraction before shuffling (Keras). */
  private fitData(x: ModelInput, y: TensorLike, validationData: FitOptions['validationData'], validationSplit: number): FitData {
    let inputs = this.inputRows(x, 'x');
    let targets = this.targetRows(y, 'y');
    if (inputs.rows !== targets.rows) {
      throw new ShapeError(`fit: x has ${inputs.rows} samples but y has ${targets.rows}; expected the same number`);
    }
    let validation: [RowMatrix, RowMatrix] | null = null;
    if (validationData) {
      const [vx, vy] = validationData;
      validation = [this.inputRows(vx, 'validationData x'), this.targetRows(vy, 'validationData y')];
      if (validation[0].rows !== validation[1].rows) {
        throw new ShapeError(`fit: validationData x has ${validation[0].rows} samples but y has ${validation[1].rows}`);
      }
    } else if (validationSplit > 0) {
      const splitAt = Math.floor(inputs.rows * (1 - validationSplit));
      if (splitAt === 0 || splitAt === inputs.rows) {
        throw new ValueError(`fit: validationSplit ${validationSplit} of ${inputs.rows} samples leaves ${splitAt} for training and ${inputs.rows - splitAt} for validation; both must be non-empty`);
      }
      validation = [sliceRows(inputs, splitAt, inputs.rows - splitAt), sliceRows(targets, splitAt, inputs.rows - splitAt)];
      inputs = sliceRows(inputs, 0, splitAt);
      targets = sliceRows(targets, 0, splitAt);
    }
    return { inputs, targets, validation };
  }

  private network(compiled: Compiled): Network {
    return { kernels: this.kernels, layers: this.layers, loss: compiled.loss, optimizer: compiled.optimizer };
  }

  // ---- inference --------------------------------------------------------------------------

  /** Loss (with penalties, as Keras reports it) and metrics over a dataset, in inference mode. */
  evaluate(x: ModelInput, y: TensorLike, options: EvaluateOptions = {}): EvaluationResult {
    this.requireCompiled();
    const batchSize = options.batchSize ?? 32;
    requireInteger('evaluate', 'batchSize', batchSize, 1);
    const inputs = this.inputRows(x, 'x');
    const targets = this.targetRows(y, 'y');
    if (inputs.rows !== targets.rows) throw new ShapeError(`evaluate: x has ${inputs.rows} samples but y has ${targets.rows}; expected the same number`);
    return this.evaluateRows(inputs, targets, batchSize);
  }

  /** Mean loss (data loss + penalties) and metrics over rows, batch by batch; no gradient. */
  private evaluateRows(inputs: RowMatrix, targets: RowMatrix, batchSize: number): Logs {
    const { loss, metrics } = this.requireCompiled();
    const k = this.kernels;
    const fused = fusedOutputLayer(this.layers, loss);
    let lossSum = 0, correct = 0;
    for (let start = 0; start < inputs.rows; start += batchSize) {
      const rows = Math.min(batchSize, inputs.rows - start);
      const output = this.forwardRows(inputs, start, rows);
      const t = this.buffers.get('t', rows, targets.cols);
      gatherRows(k, targets, null, start, rows, t.storage);
      lossSum += computeLoss(k, loss, { output, logits: fused?.logits() ?? null, targets: t, grad: null });
      if (metrics.includes('accuracy')) correct += accuracySum(loss, output, t);
    }
    const n = Math.max(inputs.rows, 1);
    const result: Logs = {};
    if (metrics.includes('accuracy')) result.accuracy = correct / n;
    result.loss = lossSum / n + penaltyOf(k, this.weights());
    return result;
  }

  /** Outputs for x, in inference mode: a Tensor [n, ...outputShape]. */
  predict(x: ModelInput, options: EvaluateOptions = {}): Tensor {
    this.requireLayers();
    const batchSize = options.batchSize ?? 32;
    requireInteger('predict', 'batchSize', batchSize, 1);
    const inputs = this.inputRows(x, 'x');
    const out = new Tensor([inputs.rows, ...this.outputShape], this.kernels.alloc(inputs.rows * this.outputSize), this.kernels);
    for (let start = 0; start < inputs.rows; start += batchSize) {
      const rows = Math.min(batchSize, inputs.rows - start);
      const y = this.forwardRows(inputs, start, rows);
      out.data.set(y.storage.view().subarray(0, rows * y.cols), start * y.cols);
    }
    return out;
  }

  /** Inference forward of rows [start, start + rows). */
  private forwardRows(inputs: RowMatrix, start: number, rows: number): Batch {
    const x = this.buffers.get('x', rows, inputs.cols);
    gatherRows(this.kernels, inputs, null, start, rows, x.storage);
    let a: Batch = x;
    for (const layer of this.layers) a = layer.forward(a, false);
    return a;
  }

  private inputRows(x: ModelInput, argument: string): RowMatrix {
    return toInputs(x, this.inputShape, argument, this.layers[0].name);
  }

  private targetRows(y: TensorLike, argument: string): RowMatrix {
    return toTargets(y, this.requireCompiled().loss, this.outputSize, argument);
  }

  private requireLayers(): void {
    if (this.layers.length === 0) throw new ConfigError('sequential: the model has no layers');
  }

  private requireCompiled(): Compiled {
    this.requireLayers();
    if (this.compiled === null) throw new ConfigError('the model must be compiled before fit or evaluate: call model.compile({ optimizer, loss })');
    return this.compiled;
  }

  /** Returns all of the model's memory: weights, optimizer state, buffers. */
  dispose(): void {
    for (const layer of this.layers) layer.dispose();
    this.buffers.disposeAll();
    this.compiled?.optimizer.dispose();
  }
}

/** A stack of layers: `nn.sequential([layer, ...], { seed })`. */
export function sequential(layers: Layer[] = [], options: SequentialOptions = {}): Sequential {
  return new Sequential(layers, options);
}
