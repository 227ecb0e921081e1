/**
 * Sequential: a stack of layers, each feeding the next. This file is the model itself:
 * building the layers, compile, the weights, evaluate and predict. Training is in two
 * files beside it: the step on one minibatch (train-step.ts) and the epoch loop (fit.ts).
 *
 *   const model = nn.sequential([nn.layers.dense({ units: 64, activation: 'relu', inputShape: [20] }),
 *                                nn.layers.dense({ units: 10, activation: 'softmax' })], { seed: 42 });
 *   model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 *   await model.fit(x, y, { epochs: 10, validationSplit: 0.1 });
 *
 * When to build. A model whose first layer declares `inputShape` builds each layer (creates
 * its weights) as it is added. Without one, as Keras allows, the layers wait: the model is
 * built for the sample shape of the first data it sees in fit, evaluate or predict, or by
 * `model.build([null, ...inputShape])`. Layer i draws its initial weights from its own
 * stream, Random(mixKey(seed, i)), whenever it is built, so both ways give the same weights.
 */

import type { Kernels } from '../backend/kernels.js';
import { kernels as activeKernels } from '../backend/backend.js';
import type { Batch } from '../core/batch.js';
import { BufferPool } from '../core/buffer-pool.js';
import type { Weight } from '../core/weight.js';
import { Layer } from '../layers/layer.js';
import { Random, mixKey, nextModelSeed } from '../random.js';
import { Tensor, sizeOf, type TensorLike } from '../tensor.js';
import { computeLoss, getLoss, type LossName } from '../losses.js';
import { getMetrics } from '../metrics/by-name.js';
import { MetricTotals, type Metric } from '../metrics/metric.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import type { Callback, Logs, TrainingModel } from '../callbacks/callback.js';
import type { History } from '../callbacks/history.js';
import { ConfigError, DisposedError, ShapeError, ValueError, formatShape } from '../errors.js';
import { requireInteger } from '../arguments.js';
import { checkOptions, describe } from '../options.js';
import { gatherRows, sliceRows, toInputs, toTargets, type ModelInput, type RowMatrix } from './data.js';
import { readValues } from '../data/rows.js';
import { isPixels } from '../data/pixels.js';
import { fitLoop, fitSettings, type FitData } from './fit.js';
import { SampleOrder, type ShuffleRecord } from './sample-order.js';
import { fusedOutputLayer, network, ownerName, penaltyOf, type Network } from './train-step.js';
import { formatSummary } from './summary.js';
import { toArtifacts, type ModelArtifacts, type SaveOptions } from '../io/artifacts.js';
import { saveModel } from '../io/save.js';

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
  /**
   * Metrics to log next to the loss: Keras's names, snake_case or camelCase ('accuracy',
   * 'categorical_accuracy', 'sparseCategoricalAccuracy', 'binary_accuracy', 'mse', 'mae',
   * 'top_k_categorical_accuracy', ...), or objects such as
   * nn.metrics.topKCategoricalAccuracy({ k: 3 }). Each is logged under its Keras name.
   */
  metrics?: (string | Metric)[];
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
  /**
   * Epoch to start from (default 0). After loading a checkpoint saved with its optimizer,
   * `initialEpoch: model.resumeEpoch` continues that training exactly: the sample order and
   * the dropout masks pick up where they stopped.
   */
  initialEpoch?: number;
}

/** Where a fit stands at the end of an epoch, beyond the weights and the optimizer's state. */
export interface TrainingState {
  /** The epoch that ended (counted from 0). */
  epoch: number;
  /** How to put the sample order back (null when the model has not been fit). */
  shuffle: ShuffleRecord | null;
}

export interface EvaluateOptions {
  /** Samples per forward pass (default 32). */
  batchSize?: number;
}

/** Results of `evaluate`: the loss and each compiled metric, by name ({ accuracy, loss }). */
export type EvaluationResult = Record<string, number>;

/** Label of the shuffle stream derived from the model seed. */
const STREAM_SHUFFLE = 0x5348;

interface Compiled {
  optimizer: Optimizer;
  loss: LossName;
  metrics: Metric[];
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
  /** The sample order of the current (or last) fit. */
  private sampleOrder: SampleOrder | null = null;
  /** Where a loaded checkpoint left training, until a fit continues from it. */
  private resume: TrainingState | null = null;
  /** Model-owned batch buffers: inputs 'x', targets 't', loss gradient 'grad'. */
  private readonly buffers = new BufferPool(() => this.kernels);
  /** Copies the training step keeps to undo a non-finite step. */
  private readonly scratch = new BufferPool(() => this.kernels);
  private training = false;
  private disposed = false;
  /** dispose() was called while fit ran: fit stops after the current batch and disposes then. */
  private disposeWhenTrainingEnds = false;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    checkOptions<SequentialOptions>('sequential', options, { seed: 'number', name: 'string' });
    if (!Array.isArray(layers)) throw new ConfigError(`sequential: layers must be an array of layers, got ${describe(layers)}`);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new ValueError(`sequential: seed must be an integer, got ${options.seed}`);
    }
    this.seed = options.seed ?? nextModelSeed();
    this.name = options.name ?? 'sequential';
    this.shuffleRandom = new Random(mixKey(this.seed, STREAM_SHUFFLE));
    try {
      for (const layer of layers) this.add(layer);
    } catch (error) {
      // The layers built so far belong to this model, which the caller never receives.
      for (const layer of this.layers) layer.dispose();
      throw error;
    }
  }

  /**
   * Appends a layer. It is built at once when the model is built, or when it is the first
   * layer and declares `inputShape`; otherwise it waits for the model's build (see the top
   * of this file).
   */
  add(layer: Layer): void {
    this.assertLive('add');
    if (!(layer instanceof Layer)) throw new ConfigError(`sequential: expected a layer such as nn.layers.dense({ units: 10 }), got ${describe(layer)}`);
    if (this.layers.some((l) => l.name === layer.name)) throw new ConfigError(`sequential: two layers are named '${layer.name}'`);
    const index = this.layers.length;
    if (this.built) this.buildLayer(layer, index, this.layers[index - 1].outputShape);
    else if (index === 0 && layer.declaredInputShape !== null) this.buildLayer(layer, 0, layer.declaredInputShape);
    else layer.attachTo(this);
    this.layers.push(layer);
  }

  /** True once every layer has its weights (see the top of this file for when that happens). */
  get built(): boolean {
    return this.layers.length > 0 && this.layers[0].built;
  }

  /**
   * Builds the model for inputs of shape `[null, ...inputShape]`, the batch dimension first
   * as in Keras's `model.build((None, 784))`. Needed only to get weights (or a summary)
   * before the first fit, evaluate or predict of a model whose first layer has no
   * inputShape. Building a built model again for the same shape does nothing.
   */
  build(inputShape: readonly (number | null)[]): void {
    this.assertLive('build');
    this.requireLayers();
    const shown = Array.isArray(inputShape) ? formatShape(inputShape) : describe(inputShape);
    if (!Array.isArray(inputShape) || inputShape.length < 2) {
      throw new ShapeError(`build: expected the input shape with the batch dimension first, e.g. build([null, 784]), got ${shown}`);
    }
    const [batch, ...sampleShape] = inputShape;
    if (!(batch === null || (Number.isInteger(batch) && batch > 0)) || !sampleShape.every((d) => Number.isInteger(d) && (d as number) > 0)) {
      throw new ShapeError(`build: expected [null, ...inputShape] with positive integer dimensions, e.g. [null, 784], got ${shown}`);
    }
    this.buildFor(sampleShape as number[], 'build');
  }

  /** Builds every layer for samples of `sampleShape`. If one fails, those built before it are unbuilt. */
  private buildFor(sampleShape: number[], where: string): void {
    if (this.built) {
      const built = this.inputShape;
      if (built.length !== sampleShape.length || built.some((d, i) => d !== sampleShape[i])) {
        throw new ShapeError(`${where}: the model is built for inputs of shape ${formatShape([null, ...built])}, got ${formatShape([null, ...sampleShape])}`);
      }
      return;
    }
    let shape = sampleShape;
    try {
      this.layers.forEach((layer, i) => {
        this.buildLayer(layer, i, shape);
        shape = layer.outputShape;
      });
    } catch (error) {
      for (const layer of this.layers) if (layer.built) layer.unbuild();
      throw error;
    }
  }

  /** Builds layer `index` for per-sample inputs of `inputShape`, drawing from its own stream. */
  private buildLayer(layer: Layer, index: number, inputShape: number[]): void {
    const declared = layer.declaredInputShape;
    if (index > 0 && declared !== null && sizeOf(declared) !== sizeOf(inputShape)) {
      throw new ShapeError(`${layer.name}: inputShape ${formatShape(declared)} does not match the previous layer's output ${formatShape(inputShape)}`);
    }
    const context = { kernels: this.kernels, random: new Random(mixKey(this.seed, index)), seed: this.seed, index };
    layer.build(inputShape, context, this);
  }

  private get kernels(): Kernels {
    this.backend ??= activeKernels();
    return this.backend;
  }

  /** Per-sample input shape. */
  get inputShape(): number[] {
    this.requireBuilt('inputShape');
    return this.layers[0].inputShape;
  }

  /** Per-sample output shape. */
  get outputShape(): number[] {
    this.requireBuilt('outputShape');
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

  /** What compile was given, resolved (null before compile); saving writes it as the training config. */
  get compiledOptions(): Readonly<Compiled> | null {
    return this.compiled;
  }

  // ---- save (thin wrappers over io/) ------------------------------------------------------

  /** Where training stands at the end of `epoch`, for a checkpoint (io/ saves it). */
  trainingState(epoch: number): TrainingState {
    return { epoch, shuffle: this.sampleOrder?.record() ?? null };
  }

  /** The last epoch the last fit completed (null before any). */
  get lastEpoch(): number | null {
    return this.history?.epoch.at(-1) ?? null;
  }

  /** Puts back where a checkpoint left training (io/ calls this when loading one). */
  restoreTrainingState(state: TrainingState): void {
    this.resume = { epoch: state.epoch, shuffle: state.shuffle };
  }

  /** The epoch to continue from: a loaded checkpoint's last epoch + 1, else 0. */
  get resumeEpoch(): number {
    return this.resume === null ? 0 : this.resume.epoch + 1;
  }

  /** The model as TensorFlow.js ModelArtifacts: { modelTopology, weightSpecs, weightData, ... }. */
  toArtifacts(options: SaveOptions = {}): ModelArtifacts {
    return toArtifacts(this, options);
  }

  /** Writes model.json and weights.bin into `dir` (Node), in the TensorFlow.js layers format. */
  async save(dir: string, options: SaveOptions = {}): Promise<void> {
    await saveModel(this, dir, options);
  }

  compile(options: CompileOptions): void {
    this.assertLive('compile');
    if (options === undefined || options === null) throw new ConfigError('compile: options { optimizer, loss } are required');
    checkOptions<CompileOptions>('compile', options, { optimizer: ['object', 'string'], loss: 'string', metrics: 'array' });
    if (options.loss === undefined) throw new ConfigError("compile: 'loss' is required, e.g. 'sparseCategoricalCrossentropy'");
    if (options.optimizer === undefined) throw new ConfigError("compile: 'optimizer' is required, e.g. nn.optimizers.adam()");
    const loss = getLoss(options.loss);
    const metrics = getMetrics(options.metrics ?? [], loss);
    const optimizer = getOptimizer(options.optimizer);
    if (optimizer.owner !== null && optimizer.owner !== this) {
      throw new ConfigError(`compile: this ${optimizer.className} optimizer is already compiled into another model; its state belongs to that model's weights, so give each model its own optimizer`);
    }
    if (this.training) throw new ConfigError('compile: the model is training; compile it before or after fit');
    // A new optimizer replaces the old one, whose state is returned (recompiling with the
    // same instance keeps its state, as Keras does).
    const previous = this.compiled?.optimizer;
    if (previous !== undefined && previous !== optimizer) {
      previous.dispose();
      previous.owner = null;
    }
    optimizer.owner = this;
    this.compiled = { optimizer, loss, metrics };
  }

  // ---- weights ----------------------------------------------------------------------------

  /** All weights in Keras order (per layer: kernel, bias; gamma, beta, moving mean, moving variance). */
  weights(): Weight[] {
    return this.layers.flatMap((l) => l.weights());
  }

  /** Copies of the weights, in Keras order. */
  getWeights(): Tensor[] {
    this.assertLive('getWeights');
    return this.weights().map((w) => w.value.reshape(w.value.shape));
  }

  /** Replaces the weights, in getWeights order; each entry a Tensor or Float32Array of the right size. */
  setWeights(weights: (Tensor | Float32Array | number[])[]): void {
    this.assertLive('setWeights');
    this.requireBuilt('setWeights');
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
    this.assertLive('summary');
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
    this.assertLive('fit');
    const compiled = this.requireCompiled();
    if (this.training) throw new ConfigError('fit: this model is already training');
    checkOptions<FitOptions>('fit', options, {
      epochs: 'number', batchSize: 'number', verbose: 'number', validationSplit: 'number', validationData: 'array',
      shuffle: 'boolean', callbacks: ['array', 'object'], initialEpoch: 'number',
    });
    const settings = fitSettings(options);
    const callbacks = callbackList(options.callbacks);
    if (options.validationData !== undefined && options.validationData.length !== 2) {
      throw new ConfigError(`fit: validationData must be [x, y], got an array of length ${options.validationData.length}`);
    }
    const data = this.fitData(x, y, options.validationData, settings.validationSplit);
    this.checkBatches(data.inputs.rows, settings.batchSize);
    // Continuing a loaded checkpoint: its sample order, if this fit starts right after it.
    const resume = this.resume !== null && settings.initialEpoch === this.resume.epoch + 1 ? this.resume.shuffle : null;
    this.resume = null;
    this.sampleOrder = new SampleOrder(this.shuffleRandom, data.inputs.rows, resume);
    this.training = true;
    try {
      return await fitLoop({
        model: this,
        network: this.network(compiled),
        metrics: compiled.metrics,
        buffers: this.buffers,
        sampleOrder: this.sampleOrder,
        evaluate: (inputs, targets) => this.evaluateRows(inputs, targets, settings.batchSize),
        callbacks,
        hasPenalties: this.weights().some((w) => w.regularizer !== null),
      }, data, settings);
    } finally {
      this.training = false;
      if (this.disposeWhenTrainingEnds) this.dispose();
    }
  }

  /**
   * Refuses up front, before anything changes, a batch the layers cannot train on: batch
   * normalization needs 2 samples, so a batchSize of 1, or a last batch of 1 (33 samples in
   * batches of 32), is an error here rather than a failure in the middle of an epoch.
   */
  private checkBatches(samples: number, batchSize: number): void {
    const smallest = samples % batchSize === 0 ? Math.min(batchSize, samples) : samples % batchSize;
    const layer = this.layers.find((l) => l.minTrainingBatch > smallest);
    if (layer === undefined) return;
    const needed = layer.minTrainingBatch;
    const which = smallest === batchSize ? `batchSize ${batchSize}` : `${samples} samples in batches of ${batchSize} leave a last batch of ${smallest}`;
    throw new ValueError(
      `fit: ${layer.name} (${layer.className}) trains on batches of at least ${needed} samples, but ${which}; ` +
        'choose a batchSize that leaves no such batch, or drop a sample',
    );
  }
  /** Training rows and validation rows: explicit, or the last fraction before shuffling (Keras). */
  private fitData(x: ModelInput, y: TensorLike, validationData: FitOptions['validationData'], validationSplit: number): FitData {
    let inputs = this.inputRows(x, 'x', 'fit');
    let targets = this.targetRows(y, 'y');
    if (inputs.rows !== targets.rows) {
      throw new ShapeError(`fit: x has ${inputs.rows} samples but y has ${targets.rows}; expected the same number`);
    }
    if (inputs.rows === 0) throw new ValueError('fit: x and y hold 0 samples; expected at least 1');
    let validation: [RowMatrix, RowMatrix] | null = null;
    if (validationData) {
      const [vx, vy] = validationData;
      validation = [this.inputRows(vx, 'validationData x', 'fit'), this.targetRows(vy, 'validationData y')];
      if (validation[0].rows !== validation[1].rows) {
        throw new ShapeError(`fit: validationData x has ${validation[0].rows} samples but y has ${validation[1].rows}`);
      }
      if (validation[0].rows === 0) throw new ValueError('fit: validationData holds 0 samples; expected at least 1 (or leave validationData out)');
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
    return network(this.kernels, this.layers, compiled.loss, compiled.optimizer, this.scratch);
  }

  // ---- inference --------------------------------------------------------------------------

  /** Loss (with penalties, as Keras reports it) and metrics over a dataset, in inference mode. */
  evaluate(x: ModelInput, y: TensorLike, options: EvaluateOptions = {}): EvaluationResult {
    this.assertLive('evaluate');
    this.requireCompiled();
    checkOptions<EvaluateOptions>('evaluate', options, { batchSize: 'number' });
    const batchSize = options.batchSize ?? 32;
    requireInteger('evaluate', 'batchSize', batchSize, 1);
    const inputs = this.inputRows(x, 'x', 'evaluate');
    const targets = this.targetRows(y, 'y');
    if (inputs.rows !== targets.rows) throw new ShapeError(`evaluate: x has ${inputs.rows} samples but y has ${targets.rows}; expected the same number`);
    if (inputs.rows === 0) throw new ValueError('evaluate: x and y hold 0 samples; expected at least 1');
    const result = this.evaluateRows(inputs, targets, batchSize);
    if (!Number.isFinite(result.loss)) {
      const broken = this.weights().find((w) => !this.kernels.allFinite(w.value.storage, w.value.size));
      if (broken) {
        throw new ValueError(`evaluate: the weight ${ownerName(this.layers, broken)}/${broken.name} holds NaN or ±Infinity, so the loss is ${result.loss}; the model is broken (set finite weights or rebuild it)`);
      }
    }
    return result;
  }

  /** Mean loss (data loss + penalties) and metrics over rows, batch by batch; no gradient. */
  private evaluateRows(inputs: RowMatrix, targets: RowMatrix, batchSize: number): Logs {
    const { loss, metrics } = this.requireCompiled();
    const k = this.kernels;
    const fused = fusedOutputLayer(this.layers, loss);
    const totals = new MetricTotals(metrics);
    let lossSum = 0;
    for (let start = 0; start < inputs.rows; start += batchSize) {
      const rows = Math.min(batchSize, inputs.rows - start);
      const output = this.forwardRows(inputs, start, rows);
      const t = this.buffers.get('t', rows, targets.cols);
      gatherRows(k, targets, null, start, rows, t.storage);
      lossSum += computeLoss(k, loss, { output, logits: fused?.logits() ?? null, targets: t, grad: null });
      totals.add(output, t);
    }
    const n = Math.max(inputs.rows, 1);
    const result: Logs = {};
    totals.writeMeans(result, n);
    result.loss = lossSum / n + penaltyOf(k, this.weights());
    return result;
  }

  /** Outputs for x, in inference mode: a Tensor [n, ...outputShape]. */
  predict(x: ModelInput, options: EvaluateOptions = {}): Tensor {
    this.assertLive('predict');
    this.requireLayers();
    checkOptions<EvaluateOptions>('predict', options, { batchSize: 'number' });
    const batchSize = options.batchSize ?? 32;
    requireInteger('predict', 'batchSize', batchSize, 1);
    const inputs = this.inputRows(x, 'x', 'predict');
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

  /**
   * x as rows of samples. An unbuilt model is built here for the shape of x's samples; Pixels
   * are flat bytes and do not show that shape, so they need a built model.
   */
  private inputRows(x: ModelInput, argument: string, where: string): RowMatrix {
    const data = isPixels(x) ? x : readValues(x, argument);
    if (!this.built) {
      if (isPixels(data) || data.shape.length < 2) {
        const what = isPixels(data) ? `Pixels (${data.pixels.length} flat bytes)` : `of shape ${formatShape(data.shape)}`;
        throw new ShapeError(
          `${where}: the model is not built yet (its first layer has no inputShape), and ${argument} ${what} ` +
            `does not show the shape of one sample; pass ${argument} as [samples, ...features] (a Tensor or nested arrays), or call model.build([null, ...inputShape]) first`,
        );
      }
      this.buildFor(data.shape.slice(1), where);
    }
    return toInputs(data, this.inputShape, argument, this.layers[0].name);
  }

  private targetRows(y: TensorLike, argument: string): RowMatrix {
    return toTargets(y, this.requireCompiled().loss, this.outputSize, argument);
  }

  private requireLayers(): void {
    if (this.layers.length === 0) throw new ConfigError('sequential: the model has no layers');
  }

  private requireBuilt(where: string): void {
    this.requireLayers();
    if (!this.built) {
      throw new ConfigError(
        `${where}: the model is not built yet: its first layer has no inputShape, so it is built by the first fit, evaluate or predict, or by model.build([null, ...inputShape])`,
      );
    }
  }

  private requireCompiled(): Compiled {
    this.requireLayers();
    if (this.compiled === null) throw new ConfigError('the model must be compiled before fit or evaluate: call model.compile({ optimizer, loss })');
    return this.compiled;
  }

  /**
   * Returns all of the model's memory: weights, optimizer state, buffers. Called while `fit`
   * runs (from a callback, or without awaiting fit), it stops training after the current
   * batch and disposes when fit returns. Any later use of the model is a DisposedError.
   */
  dispose(): void {
    if (this.disposed) return;
    if (this.training) {
      this.disposeWhenTrainingEnds = true;
      this.stopTraining = true;
      return;
    }
    for (const layer of this.layers) layer.dispose();
    this.buffers.disposeAll();
    this.scratch.disposeAll();
    if (this.compiled) {
      this.compiled.optimizer.dispose();
      this.compiled.optimizer.owner = null;
    }
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertLive(where: string): void {
    if (this.disposed) {
      throw new DisposedError(`${where}: the model '${this.name}' was disposed; its memory is returned, so build a new model`);
    }
  }
}

/** The callbacks option as a list, each checked to be a callback object. */
function callbackList(option: FitOptions['callbacks']): Callback[] {
  const list = option === undefined ? [] : Array.isArray(option) ? option : [option];
  list.forEach((callback, i) => {
    if (typeof callback === 'function') {
      throw new ConfigError(`fit: callbacks[${i}] is a function; a callback is an object of hooks: wrap it as nn.callbacks.lambda({ onEpochEnd: fn })`);
    }
    if (callback === null || typeof callback !== 'object') {
      throw new ConfigError(`fit: callbacks[${i}] must be a callback object such as nn.callbacks.earlyStopping(), got ${describe(callback)}`);
    }
  });
  return list;
}

/** A stack of layers: `nn.sequential([layer, ...], { seed })`. */
export function sequential(layers: Layer[] = [], options: SequentialOptions = {}): Sequential {
  return new Sequential(layers, options);
}
