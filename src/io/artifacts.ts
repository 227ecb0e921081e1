/**
 * A model as TensorFlow.js's ModelArtifacts: the in-memory form of a model.json and its
 * weights file, which `tf.io.fromMemory(artifacts)` and `tf.loadLayersModel` accept as is.
 *
 *   modelTopology   the Keras topology (topology.ts)
 *   weightSpecs     name, shape, dtype of each weight, in order ('dense/kernel', ...)
 *   weightData      their float32 values back to back (weights.ts)
 *   format, generatedBy, convertedBy: 'layers-model', 'wasmnn v…', null
 *   userDefinedMetadata.wasmnn: what only wasmnn reads (the model seed)
 *
 * Weights are listed per layer in Keras order (kernel, bias; gamma, beta, moving_mean,
 * moving_variance) and named '<layer>/<weight>', the names Keras and TensorFlow.js load by.
 */

import type { Layer, Weight } from '../layers/index.js';
import { encodeWeights, type NamedWeight, type WeightSpec } from './weights.js';
import { VERSION, writeTopology, type TopologySource } from './topology.js';

/** What wasmnn keeps in userDefinedMetadata.wasmnn; other readers ignore it. */
export interface WasmnnMetadata {
  /** The model seed: shuffling and dropout masks continue from it after loading. */
  seed: number;
  /** In a checkpoint: the epoch (counted from 0, as onEpochEnd counts) whose end it holds. */
  epoch?: number;
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

/** Options of `model.save` (none yet). */
export type SaveOptions = Record<string, never>;

/** What writing a model reads from it. */
export interface ArtifactsSource extends TopologySource {
  readonly seed: number;
}

/** The layers' weights under their saved names, in Keras order. */
export function namedWeights(layers: readonly Layer[]): { layer: Layer; weight: Weight; name: string }[] {
  return layers.flatMap((layer) => layer.weights().map((weight) => ({ layer, weight, name: `${layer.name}/${weight.name}` })));
}

/** The model as ModelArtifacts (see the file comment). */
export function toArtifacts(model: ArtifactsSource): ModelArtifacts {
  const weights: NamedWeight[] = namedWeights(model.layers).map(({ weight, name }) => ({
    spec: { name, shape: [...weight.value.shape], dtype: 'float32' },
    values: weight.value.data,
  }));
  const { specs, data } = encodeWeights(weights);
  return {
    modelTopology: writeTopology(model),
    format: 'layers-model',
    generatedBy: `wasmnn v${VERSION}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { wasmnn: { seed: model.seed } },
  };
}
