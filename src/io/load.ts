/**
 * A model from ModelArtifacts (ours, or TensorFlow.js's `model.save(tf.io.withSaveHandler(…))`).
 *
 * Nothing from the file is evaluated: JSON is data, class names are looked up in the
 * registries, every option is type-checked. Memory is committed only at the end, in order:
 *   1. read the topology and construct the layers (options only, no weights yet);
 *   2. compute every weight's shape from the layers' options, and refuse a total above
 *      maxWeightBytes;
 *   3. check the manifest: each of those weights listed once, same shape, float32, and the
 *      manifest's byte total equal to the weight data's length;
 *   4. only then build the model (allocate) and copy the values in; compile it with the
 *      saved training config, put the optimizer's state back (optimizer-weights.ts) and
 *      where training stood (the epoch, the sample order, the dropout steps), so that
 *      `fit(x, y, { initialEpoch: model.resumeEpoch })` continues exactly.
 */

import { Sequential } from '../model/sequential.js';
import { Dropout, type Layer } from '../layers/index.js';
import type { ShuffleRecord } from '../model/sample-order.js';
import { ConfigError, ModelFormatError, ValueError, formatShape } from '../errors.js';
import { checkOptions } from '../options.js';
import { sizeOf } from '../tensor.js';
import { ConfigReader, describe } from './config-reader.js';
import { isPlainObject } from './keras-json.js';
import { layerShapes, type WeightShape } from './layer-classes.js';
import { readTopology } from './topology.js';
import { DEFAULT_MAX_WEIGHT_BYTES, concatWeightData, decodeWeights, readWeightSpecs, type NamedWeight } from './weights.js';
import { namedWeights, type WasmnnMetadata } from './artifacts.js';
import { restoreOptimizer } from './optimizer-weights.js';

export interface LoadOptions {
  /** Compile the model with the saved training config, when there is one (default true). */
  compile?: boolean;
  /** Refuse weights larger than this many bytes in total (default 1 GiB). */
  maxWeightBytes?: number;
  /** Seed of the loaded model (default: the one it was saved with, else the next from setSeed). */
  seed?: number;
}

/** Options with their defaults, checked. */
export function readLoadOptions(options: LoadOptions = {}): Required<Omit<LoadOptions, 'seed'>> & { seed?: number } {
  checkOptions<LoadOptions>('loadModel', options, { compile: 'boolean', maxWeightBytes: 'integer', seed: 'integer' });
  const maxWeightBytes = options.maxWeightBytes ?? DEFAULT_MAX_WEIGHT_BYTES;
  if (maxWeightBytes < 0) throw new ValueError(`loadModel: maxWeightBytes must be ≥ 0, got ${maxWeightBytes}`);
  return { compile: options.compile ?? true, maxWeightBytes, seed: options.seed };
}

/** ModelArtifacts fields that hold graph models; a layers model has none of them. */
const GRAPH_MODEL_FIELDS = ['signature', 'modelInitializer', 'initializerSignature'];

/** A new Sequential model from ModelArtifacts (see the file comment for the checks). */
export function fromArtifacts(artifacts: unknown, options: LoadOptions = {}): Sequential {
  const { compile, maxWeightBytes, seed } = readLoadOptions(options);
  if (!isPlainObject(artifacts)) throw new ModelFormatError(`model artifacts must be an object, got ${describe(artifacts)}`);
  const r = new ConfigReader('model artifacts', artifacts);
  const format = r.raw('format');
  if (format !== undefined && format !== null && format !== 'layers-model') {
    throw new ConfigError(`model artifacts: format ${describe(format)} is not supported; wasmnn reads 'layers-model' (a Keras or TensorFlow.js layers model)`);
  }
  r.raw('generatedBy');
  r.raw('convertedBy');
  for (const field of GRAPH_MODEL_FIELDS) {
    const value = r.raw(field);
    if (value !== undefined && value !== null) throw new ConfigError(`model artifacts: '${field}' belongs to graph models, which wasmnn does not read`);
  }
  const modelTopology = r.raw('modelTopology');
  const trainingConfig = r.raw('trainingConfig');
  const weightSpecs = r.raw('weightSpecs');
  const weightData = r.raw('weightData');
  const metadata = readMetadata(r.raw('userDefinedMetadata'));
  r.done();
  if (modelTopology === undefined || modelTopology === null) throw new ModelFormatError('model artifacts: modelTopology is missing');

  // 1. layers, constructed from their options (no memory yet)
  const topology = readTopology(modelTopology, trainingConfig, compile);
  // 2. the shapes they will allocate
  const expected = plannedWeights(topology.layers, topology.inputShape, maxWeightBytes);
  // 3. the manifest and the bytes
  let values: Map<string, NamedWeight> | null = null;
  if (weightSpecs !== undefined && weightSpecs !== null) {
    const { specs } = readWeightSpecs(weightSpecs, maxWeightBytes);
    if (weightData === undefined || weightData === null) throw new ModelFormatError('model artifacts: weightSpecs are given but weightData is missing');
    matchManifest(expected, specs.filter((spec) => spec.group !== 'optimizer'));
    values = decodeWeights(specs, concatWeightData(weightData));
  } else if (weightData !== undefined && weightData !== null) {
    throw new ModelFormatError('model artifacts: weightData is given but weightSpecs are missing');
  }
  // 4. build and fill
  const model = new Sequential([], { name: topology.name, seed: seed ?? metadata.seed });
  try {
    for (const layer of topology.layers) model.add(layer);
    if (values !== null) {
      for (const { weight, name } of namedWeights(model.layers)) {
        const saved = values.get(name);
        if (saved === undefined || saved.values.length !== weight.value.size) {
          throw new ModelFormatError(`weight '${name}': the layer built ${weight.value.size} values, the manifest has ${saved?.values.length ?? 'none'}`);
        }
        weight.value.data.set(saved.values);
      }
    }
    if (topology.training) {
      const { loss, metrics, optimizer, optimizerClass } = topology.training;
      model.compile({ loss, metrics, optimizer });
      if (values !== null) restoreOptimizer(model.layers, optimizer, values, optimizerClass);
    }
    if (metadata.training !== undefined) restoreTraining(model, metadata);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** userDefinedMetadata.wasmnn, when present (other keys belong to the user and are kept out). */
/** Dropout steps and the sample order of a checkpoint saved with includeOptimizer. */
function restoreTraining(model: Sequential, metadata: Partial<WasmnnMetadata>): void {
  const { shuffle, dropoutSteps } = metadata.training ?? { shuffle: null, dropoutSteps: {} };
  for (const [name, step] of Object.entries(dropoutSteps)) {
    const layer = model.layers.find((l) => l.name === name);
    if (!(layer instanceof Dropout)) throw new ModelFormatError(`userDefinedMetadata.wasmnn.training: '${name}' is not a Dropout layer of the model`);
    layer.step = step;
  }
  if (metadata.epoch !== undefined) model.restoreTrainingState({ epoch: metadata.epoch, shuffle });
}

function readMetadata(value: unknown): Partial<WasmnnMetadata> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ModelFormatError(`userDefinedMetadata must be an object, got ${describe(value)}`);
  if (!Object.hasOwn(value, 'wasmnn')) return {};
  const r = new ConfigReader('userDefinedMetadata.wasmnn', value.wasmnn);
  const metadata: Partial<WasmnnMetadata> = {};
  if (r.raw('seed') !== undefined) metadata.seed = r.integer('seed', 0, 0xffffffff);
  if (r.raw('epoch') !== undefined) metadata.epoch = r.integer('epoch', 0, Number.MAX_SAFE_INTEGER);
  const training = r.raw('training');
  r.done();
  if (training !== undefined) metadata.training = readTrainingState(training);
  return metadata;
}

/** userDefinedMetadata.wasmnn.training, every number checked. */
function readTrainingState(value: unknown): NonNullable<WasmnnMetadata['training']> {
  const where = 'userDefinedMetadata.wasmnn.training';
  const r = new ConfigReader(where, value);
  const shuffleValue = r.raw('shuffle');
  const stepsValue = r.raw('dropoutSteps');
  r.done();
  const steps = new ConfigReader(`${where}.dropoutSteps`, stepsValue);
  const dropoutSteps = Object.fromEntries(Object.keys(steps.config).map((name) => [name, steps.integer(name, 0, Number.MAX_SAFE_INTEGER)]));
  if (shuffleValue === null || shuffleValue === undefined) return { shuffle: null, dropoutSteps };
  const shuffle = new ConfigReader(`${where}.shuffle`, shuffleValue);
  const start = new ConfigReader(`${where}.shuffle.start`, shuffle.raw('start'));
  const words = start.raw('words');
  if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    throw start.wrongType('words', 'four 32-bit unsigned integers', words);
  }
  const spare = start.raw('spareNormal');
  if (spare !== null && (typeof spare !== 'number' || !Number.isFinite(spare))) throw start.wrongType('spareNormal', 'a finite number or null', spare);
  start.done();
  const record: ShuffleRecord = {
    start: { words: words as [number, number, number, number], spareNormal: spare },
    shuffles: shuffle.integer('shuffles', 0, Number.MAX_SAFE_INTEGER),
    samples: shuffle.integer('samples', 0, Number.MAX_SAFE_INTEGER),
  };
  shuffle.done();
  return { shuffle: record, dropoutSteps };
}

/** Every weight the layers will create, named '<layer>/<weight>', within the byte budget. */
function plannedWeights(layers: readonly Layer[], inputShape: number[], maxBytes: number): Map<string, WeightShape> {
  const planned = new Map<string, WeightShape>();
  let shape = inputShape;
  let bytes = 0;
  for (const layer of layers) {
    const { outputShape, weights } = layerShapes(layer, shape);
    for (const weight of weights) {
      bytes += sizeOf(weight.shape) * 4;
      if (bytes > maxBytes) throw new ModelFormatError(`${layer.name}: the model's weights would take more than ${maxBytes} bytes (the limit; see maxWeightBytes)`);
      planned.set(`${layer.name}/${weight.name}`, weight);
    }
    shape = outputShape;
  }
  return planned;
}

/** The manifest lists exactly the planned weights, each with its shape and dtype float32. */
function matchManifest(planned: Map<string, WeightShape>, specs: readonly { name: string; shape: number[]; dtype: string }[]): void {
  const listed = new Map(specs.map((spec) => [spec.name, spec]));
  for (const [name, weight] of planned) {
    const spec = listed.get(name);
    if (spec === undefined) throw new ModelFormatError(`the weights manifest has no '${name}' (expected shape ${formatShape(weight.shape)})`);
    if (spec.dtype !== 'float32') throw new ConfigError(`weight '${name}': dtype '${spec.dtype}' is not supported; wasmnn reads float32 weights`);
    if (spec.shape.length !== weight.shape.length || spec.shape.some((d, i) => d !== weight.shape[i])) {
      throw new ModelFormatError(`weight '${name}': the manifest says shape ${formatShape(spec.shape)}, the layer needs ${formatShape(weight.shape)}`);
    }
  }
  for (const name of listed.keys()) {
    if (!planned.has(name)) throw new ModelFormatError(`the weights manifest lists '${name}', which no layer of the model has`);
  }
}
