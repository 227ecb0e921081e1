/**
 * The model's topology in a model.json: what layers, with what options, and how it was
 * compiled. wasmnn writes the layout that Keras models converted by tensorflowjs_converter
 * have, which mirrors the attributes of a Keras HDF5 file:
 *
 *   "modelTopology": {
 *     "keras_version": "wasmnn 0.1.0", "backend": "wasmnn",
 *     "model_config": { "class_name": "Sequential", "config": { "name": ..., "layers": [...] } },
 *     "training_config": { "loss": ..., "metrics": [...], "optimizer_config": { "class_name": "Adam", ... } }
 *   }
 *
 * TensorFlow.js reads model_config and ignores training_config (it compiles only from a
 * top-level "trainingConfig", which it writes only with includeOptimizer), and the converter
 * to Keras reads model_config; so a model compiled with any wasmnn optimizer (AdamW, which
 * TensorFlow.js lacks, included) still loads in both. TensorFlow.js's own files put the
 * Sequential config directly in modelTopology and may carry a top-level trainingConfig; both
 * layouts are read.
 */

import type { Layer } from '../layers/index.js';
import type { Optimizer } from '../optimizers/index.js';
import type { LossName } from '../losses.js';
import type { Metric } from '../metrics/metric.js';
import { getLoss } from '../losses.js';
import { getMetrics } from '../metrics/by-name.js';
import { ConfigError } from '../errors.js';
import { ConfigReader, describe } from './config-reader.js';
import { readSerialized, serialize, type KerasSerialized } from './registry.js';
import { optimizerClasses } from './classes.js';
import { MAX_RANK, layerClasses, readBatchShape } from './layer-classes.js';
import { isPlainObject, toSnakeCase } from './keras-json.js';

/** wasmnn's version, written as generatedBy (a test keeps it equal to package.json's). */
export const VERSION = '0.1.0';

/** More layers than any file wasmnn writes could hold; a bound on what a file may ask for. */
const MAX_LAYERS = 10_000;

/** What a model needs from its owner to be written: its name, layers and compile options. */
export interface TopologySource {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly compiledOptions: { optimizer: Optimizer; loss: LossName; metrics: readonly Metric[] } | null;
}

/** The Keras topology of a model (see the file comment). */
export function writeTopology(model: TopologySource): Record<string, unknown> {
  const topology: Record<string, unknown> = {
    keras_version: `wasmnn ${VERSION}`,
    backend: 'wasmnn',
    model_config: {
      class_name: 'Sequential',
      config: { name: model.name, layers: model.layers.map((layer) => layerClasses.toKeras(serialize(layer))) },
    },
  };
  const compiled = model.compiledOptions;
  if (compiled !== null) topology.training_config = writeTrainingConfig(compiled);
  return topology;
}

/** Keras's training_config: snake_case loss and metric names, the optimizer's class and config. */
function writeTrainingConfig(compiled: NonNullable<TopologySource['compiledOptions']>): Record<string, unknown> {
  return {
    loss: toSnakeCase(compiled.loss),
    metrics: compiled.metrics.map((m) => m.name), // Keras's log names: 'accuracy', 'categorical_accuracy', 'mse'
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: optimizerClasses.toKeras(serialize(compiled.optimizer)) satisfies KerasSerialized,
  };
}

/** A topology read back: the layers (constructed, not yet built) and the training config. */
export interface ReadTopology {
  name: string;
  layers: Layer[];
  /** The per-sample input shape of the first layer. */
  inputShape: number[];
  /** The compile options, and the optimizer's class as the file names it (its state's convention). */
  training: { loss: LossName; metrics: string[]; optimizer: Optimizer; optimizerClass: string } | null;
}

/**
 * Reads a modelTopology (either layout) and the top-level trainingConfig TensorFlow.js may
 * write. Constructing a layer allocates nothing; weights come only when the model builds.
 */
export function readTopology(modelTopology: unknown, topLevelTrainingConfig: unknown, compile: boolean): ReadTopology {
  const r = new ConfigReader('modelTopology', modelTopology, 'keras');
  r.raw('kerasVersion'); // labels only
  r.raw('backend');
  let model: unknown = modelTopology;
  let training: unknown = topLevelTrainingConfig;
  const modelConfig = r.raw('modelConfig');
  if (modelConfig !== undefined) {
    model = modelConfig;
    training = r.raw('trainingConfig') ?? training;
  } else {
    model = { class_name: r.raw('className'), config: r.raw('config') };
  }
  r.done();
  const { name, layers, inputShape } = readSequential(model);
  return { name, layers, inputShape, training: compile && training !== undefined && training !== null ? readTrainingConfig(training) : null };
}

function readSequential(model: unknown): { name: string; layers: Layer[]; inputShape: number[] } {
  const { className, config } = readSerializedOrLegacy(model);
  if (className !== 'Sequential') {
    throw new ConfigError(`modelTopology: unsupported model class ${describe(className)}; wasmnn reads Sequential models`);
  }
  const r = new ConfigReader('Sequential', config, 'keras');
  const name = r.string('name', 'sequential');
  r.fixed({ trainable: { value: true }, dtype: { value: 'float32', accepts: (v) => v === 'float32' || v === null || isPlainObject(v) } });
  const buildShape = readBatchShape(r, 'buildInputShape');
  const entries = r.raw('layers');
  r.done();
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_LAYERS) {
    throw new ConfigError(`Sequential: 'layers' must be a list of 1 to ${MAX_LAYERS} layers, got ${describe(entries)}`);
  }
  let inputShape = buildShape;
  let first = 0;
  const head = readSerialized(entries[0], 'layer 0', 'keras');
  if (head.className === 'InputLayer') {
    inputShape = readInputLayer(head.config);
    first = 1;
  }
  if (first === entries.length) throw new ConfigError('Sequential: the model has an InputLayer and no other layer');
  const layers = entries.slice(first).map((entry, i) => {
    const where = `layer ${first + i}`;
    if (i === 0 && inputShape !== undefined) entry = withInputShape(entry, inputShape, where);
    return layerClasses.fromConfig(entry, where, 'keras');
  });
  const declared = layers[0].declaredInputShape;
  if (declared === null) throw new ConfigError(`${layers[0].name}: the first layer needs 'batch_input_shape' (or an InputLayer before it)`);
  return { name, layers, inputShape: declared };
}

/** Keras 1 wrote a Sequential's config as the bare list of layers. */
function readSerializedOrLegacy(model: unknown): { className: unknown; config: unknown } {
  if (isPlainObject(model) && Array.isArray(model.config)) return { className: model.class_name, config: { layers: model.config } };
  return readSerialized(model, 'model_config', 'keras');
}

/** The per-sample shape of Keras's InputLayer (batch_input_shape in Keras 2, batch_shape in 3). */
function readInputLayer(config: Record<string, unknown>): number[] {
  const r = new ConfigReader('InputLayer (layer 0)', config, 'keras');
  r.raw('name');
  r.fixed({ dtype: { value: 'float32', accepts: (v) => v === 'float32' || v === null || isPlainObject(v) }, sparse: { value: false }, ragged: { value: false } });
  const shape = readBatchShape(r, 'batchInputShape') ?? readBatchShape(r, 'batchShape');
  r.done();
  if (shape === undefined) throw new ConfigError(`InputLayer (layer 0): 'batch_input_shape' or 'batch_shape' is required (rank 1 to ${MAX_RANK})`);
  return shape;
}

/** The first layer's entry with the InputLayer's shape as its batch_input_shape. */
function withInputShape(entry: unknown, shape: number[], where: string): unknown {
  const { className, config } = readSerialized(entry, where, 'keras');
  if (Object.hasOwn(config, 'batch_input_shape') || Object.hasOwn(config, 'batchInputShape')) return entry;
  return { class_name: className, config: { ...config, batch_input_shape: [null, ...shape] } };
}

/** loss, metrics and optimizer from Keras's training_config (or TensorFlow.js's trainingConfig). */
function readTrainingConfig(value: unknown): NonNullable<ReadTopology['training']> {
  const r = new ConfigReader('training_config', value, 'keras');
  const loss = r.raw('loss');
  if (typeof loss !== 'string') throw r.wrongType('loss', 'a loss name', loss);
  const metrics = readMetrics(r.raw('metrics'));
  const optimizerConfig = r.raw('optimizerConfig');
  const optimizer = optimizerClasses.fromConfig(optimizerConfig, 'optimizer_config', 'keras');
  r.fixed({ weightedMetrics: { value: null }, lossWeights: { value: null }, sampleWeightMode: { value: null } });
  r.done();
  getMetrics(metrics, getLoss(loss)); // unknown names are refused here, naming them
  return { loss: getLoss(loss), metrics, optimizer, optimizerClass: readSerialized(optimizerConfig, 'optimizer_config', 'keras').className };
}

/**
 * Metric names: ['accuracy'] as wasmnn and TensorFlow.js write them; per output as Keras 2
 * may ([['accuracy']], or { output: [...] }, and TensorFlow.js writes {} for none); or a
 * MeanMetricWrapper whose config names the metric.
 */
function readMetrics(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const perOutput = isPlainObject(value) && !Object.hasOwn(value, 'class_name') && !Object.hasOwn(value, 'className');
  const items = Array.isArray(value) ? value.flat() : perOutput ? Object.values(value).flat() : [value];
  return items.map((item) => {
    if (typeof item === 'string') return item;
    const { className, config } = readSerialized(item, 'training_config metrics', 'keras');
    if (className !== 'MeanMetricWrapper' || typeof config.name !== 'string') {
      throw new ConfigError(`training_config: unsupported metric ${describe(item)}; wasmnn reads 'accuracy'`);
    }
    return config.name;
  });
}
