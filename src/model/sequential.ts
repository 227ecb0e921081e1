/**
 * Sequential: a stack of layers, each feeding the next, trained with minibatch gradient
 * descent. One training step:
 *
 *   1. forward:   a⁰ = x,  aˡ = layerₗ(aˡ⁻¹)            (training = true)
 *   2. loss:      J = mean_i L(a^L_i, t_i) + Σ penalties(W)
 *   3. backward:  g = ∂J/∂a^L, then g = layerₗ.backward(g) from the last layer to the first
 *                 (each writes ∂J/∂W for its own weights), plus each penalty's gradient
 *   4. update:    the optimizer moves every trainable weight against its gradient
 *
 * All buffers are sized on the first batch and reused, so steps after the first allocate
 * nothing in the backend's memory.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import { kernels as activeKernels } from '../backend/backend.js';
import type { Batch, Layer, Weight } from '../layers/layer.js';
import { Random, mixKey } from '../random.js';
import { Tensor, sizeOf, type TensorLike } from '../tensor.js';
import { computeLoss, getLoss, isFused, type LossName } from '../losses.js';
import { accuracySum, getMetric, type MetricName } from '../metrics.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import type { ActivationName } from '../activations.js';
import { ConfigError, NonFiniteLossError, ShapeError, ValueError, formatShape } from '../errors.js';
import { callAll, type Callback, type Logs } from './callbacks.js';
import { History } from './history.js';
import { ProgressBar } from './progress.js';
import { gatherRows, sliceRows, toInputs, toTargets, type RowMatrix } from './data.js';
import { formatSummary } from './summary.js';
import { toArtifacts, type ModelArtifacts } from '../io/artifacts.js';
import type { SaveOptions } from '../io/files.js';

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
  /** [x, y] to validate on after each epoch; takes precedence over validationSplit. */
  validationData?: [TensorLike, TensorLike];
  /** Shuffle the training samples before each epoch (default true; seeded by the model seed). */
  shuffle?: boolean;
  /** Callback objects (see callbacks.ts). */
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

let seedStream = new Random(0);

/** Seeds the stream from which models without an explicit `seed` take theirs. */
export function setSeed(seed: number): void {
  seedStream = new Random(seed);
}

/** Labels for deriving independent random streams from one model seed. */
const STREAM_SHUFFLE = 0x5348;

interface Compiled {
  optimizer: Optimizer;
  loss: LossName;
  metrics: MetricName[];
}

/** A layer whose activation can be fused with the loss (Dense, Activation). */
interface FusableLayer extends Layer {
  activation: ActivationName;
  logits(): Batch;
  backwardFromLogits(dz: Batch, computeInputGradient?: boolean): Batch;
}

function isFusable(layer: Layer): layer is FusableLayer {
  const l = layer as Partial<FusableLayer>;
  return typeof l.activation === 'string' && typeof l.logits === 'function' && typeof l.backwardFromLogits === 'function';
}

export class Sequential {
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
  /** Model-owned batch buffers: inputs, targets, output gradient. */
  private readonly io = new Map<string, { storage: Storage; capacity: number }>();
  private training = false;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new ValueError(`sequential: seed must be an integer, got ${options.seed}`);
    }
    this.seed = options.seed ?? seedStream.nextUint32();
    this.name = options.name ?? 'sequential';
    this.shuffleRandom = new Random(mixKey(this.seed, STREAM_SHUFFLE));
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer. The first layer must declare `inputShape`. */
  add(layer: Layer): void {
    if (this.layers.length === 0 && layer.declaredInputShape === null) {
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
    const inputShape = this.layers.length === 0 ? layer.declaredInputShape! : this.layers[this.layers.length - 1].outputShape;
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

  /** The model as TensorFlow.js ModelArtifacts: { modelTopology, weightSpecs, weightData, ... }. */
  toArtifacts(): ModelArtifacts {
    return toArtifacts(this);
  }

  /** Writes model.json and weights.bin into `dir` (Node), in the TensorFlow.js layers format. */
  async save(dir: string, options: SaveOptions = {}): Promise<void> {
    const { saveModel } = await import('../io/files.js'); // node:fs stays out of browser loads
    await saveModel(this, dir, options);
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
      const owner = this.ownerOf(target);
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
    sources.forEach((values, i) => targets[i].value.data.set(values));
  }

  private ownerOf(weight: Weight): string {
    return this.layers.find((l) => l.weights().includes(weight))?.name ?? '?';
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
   * to the event loop between batches so a browser page stays responsive.
   */
  async fit(x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
    const compiled = this.requireCompiled();
    if (this.training) throw new ConfigError('fit: this model is already training');
    const epochs = options.epochs ?? 1;
    const batchSize = options.batchSize ?? 32;
    const verbose = options.verbose ?? 1;
    const initialEpoch = options.initialEpoch ?? 0;
    const validationSplit = options.validationSplit ?? 0;
    const shuffle = options.shuffle ?? true;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`fit: epochs must be an integer ≥ 0, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`fit: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ValueError(`fit: initialEpoch must be an integer ≥ 0, got ${initialEpoch}`);
    if (!(validationSplit >= 0 && validationSplit < 1)) throw new ValueError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ValueError(`fit: verbose must be 0, 1 or 2, got ${verbose}`);

    let inputs = toInputs(x, this.inputShape, 'x', this.layers[0].name);
    let targets = toTargets(y, compiled.loss, this.outputSize, 'y');
    if (inputs.rows !== targets.rows) {
      throw new ShapeError(`fit: x has ${inputs.rows} samples but y has ${targets.rows}; expected the same number`);
    }
    // Validation data: explicit, or the last fraction before shuffling (Keras semantics).
    let validation: [RowMatrix, RowMatrix] | null = null;
    if (options.validationData) {
      const [vx, vy] = options.validationData;
      validation = [toInputs(vx, this.inputShape, 'validationData x', this.layers[0].name), toTargets(vy, compiled.loss, this.outputSize, 'validationData y')];
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

    const samples = inputs.rows;
    const steps = Math.ceil(samples / batchSize);
    const history = new History();
    this.history = history;
    // As Keras orders them: the progress bar, the user's callbacks, then History, so that
    // History records what callbacks add to the logs (e.g. learning_rate).
    const callbacks: Callback[] = [];
    if (verbose > 0) {
      const bar = new ProgressBar(verbose as 1 | 2);
      bar.configure(epochs, steps);
      callbacks.push(bar);
    }
    if (options.callbacks) callbacks.push(...(Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks]));
    callbacks.push(history);
    history.params = { epochs, initialEpoch, batchSize, samples, steps, validationSamples: validation ? validation[0].rows : 0, verbose };
    for (const callback of callbacks) callback.setModel?.(this);

    const order = new Int32Array(samples);
    for (let i = 0; i < samples; i++) order[i] = i;
    const hasPenalties = this.weights().some((w) => w.regularizer !== null);

    this.training = true;
    this.stopTraining = false;
    try {
      await callAll(callbacks, 'onTrainBegin', {});
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        await callAll(callbacks, 'onEpochBegin', epoch, {});
        if (shuffle) this.shuffleRandom.shuffle(order);
        let lossSum = 0, penaltySum = 0, correct = 0, seen = 0;
        for (let step = 0; step < steps; step++) {
          await callAll(callbacks, 'onBatchBegin', step, {});
          const start = step * batchSize;
          const rows = Math.min(batchSize, samples - start);
          const result = this.trainStep(inputs, targets, order, start, rows, epoch, step, history);
          lossSum += result.loss * rows;
          penaltySum += result.penalty * rows;
          correct += result.correct;
          seen += rows;
          const batchLogs: Logs = { batch: step, size: rows, loss: lossSum / seen };
          if (compiled.metrics.includes('accuracy')) batchLogs.accuracy = correct / seen;
          await callAll(callbacks, 'onBatchEnd', step, batchLogs);
          await yieldToEventLoop();
        }
        const logs: Logs = {};
        if (compiled.metrics.includes('accuracy')) logs.accuracy = correct / seen;
        logs.loss = lossSum / seen;
        if (hasPenalties) logs.regularization_loss = penaltySum / seen;
        if (validation) {
          const v = this.evaluateMatrices(validation[0], validation[1], batchSize);
          for (const [key, value] of Object.entries(v)) logs[`val_${key}`] = value;
        }
        await callAll(callbacks, 'onEpochEnd', epoch, logs);
      }
      await callAll(callbacks, 'onTrainEnd', {});
    } finally {
      this.training = false;
    }
    return history;
  }

  /** One minibatch step; returns the mean data loss, the penalty and the correct count. */
  private trainStep(
    inputs: RowMatrix, targets: RowMatrix, order: Int32Array, start: number, rows: number,
    epoch: number, step: number, history: History,
  ): { loss: number; penalty: number; correct: number } {
    const { loss: lossName, metrics, optimizer } = this.requireCompiled();
    const k = this.kernels;
    const x = this.ioBuffer('x', rows, inputs.cols);
    const t = this.ioBuffer('t', rows, targets.cols);
    gatherRows(inputs, order, start, rows, x.storage);
    gatherRows(targets, order, start, rows, t.storage);

    // 1. forward
    let a: Batch = x;
    for (const layer of this.layers) a = layer.forward(a, true);
    // 2. loss (fused with the output activation where possible)
    const last = this.layers[this.layers.length - 1];
    const fused = isFusable(last) && isFused(lossName, last.activation);
    const grad = this.ioBuffer('grad', rows, a.cols);
    const dataLoss = computeLoss(k, lossName, { output: a, logits: fused ? last.logits() : null, targets: t, grad }) / rows;
    const correct = metrics.includes('accuracy') ? accuracySum(lossName, a, t) : 0;
    let penalty = 0;
    const weights = this.weights();
    for (const w of weights) if (w.regularizer) penalty += w.regularizer.penalty(k, w.value.storage, w.value.size);
    const total = dataLoss + penalty;
    if (!Number.isFinite(total)) {
      this.stopForNonFinite(history, epoch, step, `the loss is ${total} (data loss ${dataLoss}, penalty ${penalty})`);
    }
    // 3. backward: from the last layer to the first that has weights
    const firstWeighted = this.layers.findIndex((l) => l.weights().some((w) => w.trainable));
    let g: Batch = grad;
    for (let i = this.layers.length - 1; i >= Math.max(firstWeighted, 0); i--) {
      const layer = this.layers[i];
      const needInputGradient = i > firstWeighted;
      g = i === this.layers.length - 1 && fused ? (layer as FusableLayer).backwardFromLogits(g, needInputGradient) : layer.backward(g, needInputGradient);
    }
    for (const w of weights) {
      if (w.regularizer && w.grad) w.regularizer.addGradient(k, w.value.storage, w.grad.storage, w.value.size);
    }
    for (const w of weights) {
      if (w.grad && !k.allFinite(w.grad.storage, w.grad.size)) {
        this.stopForNonFinite(history, epoch, step, `the gradient of ${this.ownerOf(w)}/${w.name} is not finite (loss ${total})`);
      }
    }
    // 4. update
    optimizer.applyGradients(weights);
    return { loss: total, penalty, correct };
  }

  private stopForNonFinite(history: History, epoch: number, step: number, what: string): never {
    const message = `fit: training stopped at epoch ${epoch + 1}, batch ${step + 1}: ${what}. The weights are those after the last finite step; try a smaller learning rate or check the data.`;
    history.stopReason = message;
    history.stoppedEpoch = epoch;
    throw new NonFiniteLossError(message, history);
  }

  // ---- inference --------------------------------------------------------------------------

  /** Loss (with penalties, as Keras reports it) and metrics over a dataset, in inference mode. */
  evaluate(x: TensorLike, y: TensorLike, options: EvaluateOptions = {}): EvaluationResult {
    const compiled = this.requireCompiled();
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
    const inputs = toInputs(x, this.inputShape, 'x', this.layers[0].name);
    const targets = toTargets(y, compiled.loss, this.outputSize, 'y');
    if (inputs.rows !== targets.rows) throw new ShapeError(`evaluate: x has ${inputs.rows} samples but y has ${targets.rows}; expected the same number`);
    return this.evaluateMatrices(inputs, targets, batchSize);
  }

  private evaluateMatrices(inputs: RowMatrix, targets: RowMatrix, batchSize: number): EvaluationResult {
    const { loss: lossName, metrics } = this.requireCompiled();
    const k = this.kernels;
    const last = this.layers[this.layers.length - 1];
    const fused = isFusable(last) && isFused(lossName, last.activation);
    let lossSum = 0, correct = 0;
    for (let start = 0; start < inputs.rows; start += batchSize) {
      const rows = Math.min(batchSize, inputs.rows - start);
      const out = this.forwardRows(inputs, start, rows);
      const t = this.ioBuffer('t', rows, targets.cols);
      gatherRows(targets, null, start, rows, t.storage);
      const grad = this.ioBuffer('grad', rows, out.cols);
      lossSum += computeLoss(k, lossName, { output: out, logits: fused ? last.logits() : null, targets: t, grad });
      if (metrics.includes('accuracy')) correct += accuracySum(lossName, out, t);
    }
    let penalty = 0;
    for (const w of this.weights()) if (w.regularizer) penalty += w.regularizer.penalty(k, w.value.storage, w.value.size);
    const n = Math.max(inputs.rows, 1);
    const result: EvaluationResult = {};
    if (metrics.includes('accuracy')) result.accuracy = correct / n;
    result.loss = lossSum / n + penalty;
    return result;
  }

  /** Outputs for x, in inference mode: a Tensor [n, ...outputShape]. */
  predict(x: TensorLike, options: EvaluateOptions = {}): Tensor {
    this.requireLayers();
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`predict: batchSize must be a positive integer, got ${batchSize}`);
    const inputs = toInputs(x, this.inputShape, 'x', this.layers[0].name);
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
    const x = this.ioBuffer('x', rows, inputs.cols);
    gatherRows(inputs, null, start, rows, x.storage);
    let a: Batch = x;
    for (const layer of this.layers) a = layer.forward(a, false);
    return a;
  }

  private get outputSize(): number {
    return sizeOf(this.outputShape);
  }

  /** A model-owned buffer of rows × cols floats that grows only for a larger batch. */
  private ioBuffer(key: string, rows: number, cols: number): Batch {
    const needed = Math.max(rows * cols, 1);
    let entry = this.io.get(key);
    if (entry === undefined || entry.capacity < needed) {
      if (entry) this.kernels.free(entry.storage);
      entry = { storage: this.kernels.alloc(needed), capacity: needed };
      this.io.set(key, entry);
    }
    return { storage: entry.storage, rows, cols };
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
    for (const entry of this.io.values()) this.kernels.free(entry.storage);
    this.io.clear();
    this.compiled?.optimizer.dispose();
  }
}

/** A stack of layers: `nn.sequential([layer, ...], { seed })`. */
export function sequential(layers: Layer[] = [], options: SequentialOptions = {}): Sequential {
  return new Sequential(layers, options);
}

/**
 * Lets other work run (rendering, input) between batches. setImmediate in Node; a
 * MessageChannel in browsers, since nested setTimeout(0) is clamped to 4 ms.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
