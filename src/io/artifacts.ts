/**
 * A model as TensorFlow.js's ModelArtifacts: the in-memory form of a model.json and its
 * weights file, which `tf.io.fromMemory(artifacts)` and `tf.loadLayersModel` accept as is.
 *
 *   modelTopology   the Keras topology (topology.ts)
 *   weightSpecs     name, shape, dtype of each weight, in order ('dense/kernel', ...)
 *   weightData      their values back to back (weights.ts)
 *   format, generatedBy, convertedBy: 'layers-model', 'wasmnn v…', null
 *   userDefinedMetadata.wasmnn: what only wasmnn reads (the model seed, the last epoch,
 *                   and with includeOptimizer where training stands)
 *
 * Weights are listed per layer in Keras order (kernel, bias; gamma, beta, moving_mean,
 * moving_variance) and named '<layer>/<weight>', the names Keras and TensorFlow.js load by.
 * With includeOptimizer the optimizer's state follows them (optimizer-weights.ts).
 */

import type { Layer, Weight } from '../layers/index.js';
import { Dropout } from '../layers/index.js';
import type { ShuffleRecord } from '../model/sample-order.js';
import { ConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import { encodeWeights, type NamedWeight, type WeightSpec } from './weights.js';
import { VERSION, writeTopology, type TopologySource } from './topology.js';
import { optimizerWeights } from './optimizer-weights.js';

/** What wasmnn keeps in userDefinedMetadata.wasmnn; other readers ignore it. */
export interface WasmnnMetadata {
  /** The model seed: shuffling and dropout masks continue from it after loading. */
  seed: number;
  /** The last epoch trained (counted from 0, as onEpochEnd counts), when there is one. */
  epoch?: number;
  /** With includeOptimizer: what fit needs, beyond weights and optimizer state, to continue exactly. */
  training?: {
    /** How to put the sample order back (sample-order.ts); null if the model was never fit. */
    shuffle: ShuffleRecord | null;
    /** The training steps each Dropout layer has taken (its masks continue from there). */
    dropoutSteps: Record<string, number>;
  };
}

/** TensorFlow.js's ModelArtifacts, as wasmnn writes them. */
export interface ModelArtifacts {
  modelTopology: Record<string, unknown>;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  userDefinedMetadata: { wasmnn: WasmnnMetadata };
}

/** Options of `model.save` and `model.toArtifacts`. */
export interface SaveOptions {
  /**
   * Also save the optimizer's state (as TensorFlow.js's optimizer weights) and where training
   * stands (epoch, sample order, dropout steps), so that fit can continue exactly (default false).
   */
  includeOptimizer?: boolean;
}

/** What writing a model reads from it. */
export interface ArtifactsSource extends TopologySource {
  readonly seed: number;
  /** The last epoch the last fit completed (null before any). */
  readonly lastEpoch: number | null;
  /** Where training stands at the end of `epoch`. */
  trainingState(epoch: number): { shuffle: ShuffleRecord | null };
}

/** The layers' weights under their saved names, in Keras order. */
export function namedWeights(layers: readonly Layer[]): { layer: Layer; weight: Weight; name: string }[] {
  return layers.flatMap((layer) => layer.weights().map((weight) => ({ layer, weight, name: `${layer.name}/${weight.name}` })));
}

/**
 * The model as ModelArtifacts (see the file comment), as it stands at the end of `epoch`
 * (default: the last epoch it trained).
 */
export function toArtifacts(model: ArtifactsSource, options: SaveOptions = {}, epoch = model.lastEpoch): ModelArtifacts {
  checkOptions<SaveOptions>('save', options, { includeOptimizer: 'boolean' });
  const weights: NamedWeight[] = namedWeights(model.layers).map(({ weight, name }) => ({
    spec: { name, shape: [...weight.value.shape], dtype: 'float32' },
    values: weight.value.data,
  }));
  const metadata: WasmnnMetadata = { seed: model.seed };
  if (epoch !== null) metadata.epoch = epoch;
  if (options.includeOptimizer) {
    const compiled = model.compiledOptions;
    if (compiled === null) throw new ConfigError('save: includeOptimizer needs a compiled model (there is no optimizer to save)');
    weights.push(...optimizerWeights(model.layers, compiled.optimizer));
    const dropoutSteps = Object.fromEntries(model.layers.filter((l) => l instanceof Dropout).map((l) => [l.name, l.step]));
    metadata.training = { shuffle: epoch === null ? null : model.trainingState(epoch).shuffle, dropoutSteps };
  }
  const { specs, data } = encodeWeights(weights);
  return {
    modelTopology: writeTopology(model),
    format: 'layers-model',
    generatedBy: `wasmnn v${VERSION}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { wasmnn: metadata },
  };
}
