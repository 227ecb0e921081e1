/**
 * fromConfig of every layer, registered by Keras class name, and the shapes of the weights
 * each layer will create, known before anything is allocated.
 *
 * Every Keras layer config holds name, trainable, dtype and (on the first layer)
 * batch_input_shape. wasmnn layers are always trainable float32. Options Keras writes for
 * features wasmnn does not have are read only at the value that turns them off
 * (activity_regularizer: null, noise_shape: null, axis: -1 for batch normalization).
 */

import { Activation, BatchNormalization, Dense, Dropout, ELU, Flatten, LeakyReLU, type Layer, type LayerArgs } from '../layers/index.js';
import { ones, zeros, type Initializer } from '../initializers.js';
import { sizeOf } from '../tensor.js';
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { describe, type ConfigReader, type FixedOption } from './config-reader.js';
import { ClassRegistry, type Serialized } from './registry.js';
import { initializerClasses, regularizerClasses } from './classes.js';
import { isPlainObject } from './keras-json.js';

export const layerClasses = new ClassRegistry<Layer>('layer');

/** Largest size of one dimension, and of one sample, that a file may declare. */
const MAX_DIMENSION = 2 ** 30;
/** Largest rank of a per-sample shape. */
export const MAX_RANK = 8;

/** 'float32', or Keras 3's dtype policy { class_name: 'DTypePolicy', config: { name: 'float32' } }. */
function isFloat32(value: unknown): boolean {
  if (value === 'float32' || value === null) return true;
  if (!isPlainObject(value)) return false;
  const config = value.config;
  return (value.class_name === 'DTypePolicy' || value.className === 'DTypePolicy') && isPlainObject(config) && config.name === 'float32';
}

/** A per-sample shape from a batch shape [null or batch size, ...dims]. */
export function readBatchShape(r: ConfigReader, name: string): number[] | undefined {
  const value = r.raw(name);
  if (value === undefined || value === null) return undefined;
  const valid = Array.isArray(value) && value.length >= 2 && value.length <= MAX_RANK + 1 &&
    (value[0] === null || (Number.isInteger(value[0]) && value[0] > 0)) &&
    value.slice(1).every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_DIMENSION);
  if (!valid) throw r.wrongType(name, `[null, ...dimensions] with 1 to ${MAX_RANK} positive dimensions`, value);
  return (value as number[]).slice(1);
}

/** name, trainable, dtype and batchInputShape: the options every layer has. */
function readLayerArgs(r: ConfigReader): LayerArgs {
  const args: LayerArgs = {};
  const name = r.raw('name');
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string' || name.length === 0 || name.length > 256) throw r.wrongType('name', 'a string of 1 to 256 characters', name);
    args.name = name;
  }
  r.fixed({ trainable: { value: true }, dtype: { value: 'float32', accepts: isFloat32 } });
  const inputShape = readBatchShape(r, 'batchInputShape');
  if (inputShape) args.inputShape = inputShape;
  return args;
}

/** A nested initializer or regularizer, read through its own registry; `fallback` when absent. */
function readNested<T>(r: ConfigReader, key: string, registry: ClassRegistry<T>, fallback: T): T {
  const value = r.raw(key);
  if (value === undefined || value === null) return fallback;
  return registry.fromConfig(value, `${r.where} ${r.spell(key)}`, r.style);
}

/** Whether a value (in either spelling) is the serialized initializer `init`. */
function isInitializer(init: Initializer) {
  return (value: unknown): boolean => {
    try {
      return initializerClasses.fromConfig(value, 'batch normalization', 'keras') === init;
    } catch {
      return false;
    }
  };
}

/** Nested initializers and regularizers of a config, rewritten for Keras by their own registries. */
function nestedToKeras(fields: Record<string, ClassRegistry<unknown>>) {
  return (serialized: Serialized): Serialized => {
    const config = { ...serialized.config };
    for (const [key, registry] of Object.entries(fields)) {
      if (config[key] !== null && config[key] !== undefined) config[key] = registry.toKeras(config[key] as Serialized);
    }
    return { className: serialized.className, config };
  };
}

// ---- Dense --------------------------------------------------------------------------------

layerClasses.register('Dense', (r) => {
  const args = {
    ...readLayerArgs(r),
    units: r.integer('units', 1, MAX_DIMENSION),
    activation: r.string('activation', 'linear'),
    useBias: r.boolean('useBias', true),
    kernelInitializer: readNested(r, 'kernelInitializer', initializerClasses, undefined),
    biasInitializer: readNested(r, 'biasInitializer', initializerClasses, undefined),
    kernelRegularizer: readNested(r, 'kernelRegularizer', regularizerClasses, null),
    biasRegularizer: readNested(r, 'biasRegularizer', regularizerClasses, null),
  };
  r.done();
  return new Dense(args);
}, {
  kerasOptions: { activityRegularizer: { value: null }, kernelConstraint: { value: null }, biasConstraint: { value: null }, loraRank: { value: null, write: false } },
  toKeras: nestedToKeras({ kernelInitializer: initializerClasses, biasInitializer: initializerClasses, kernelRegularizer: regularizerClasses, biasRegularizer: regularizerClasses }),
});

// ---- Activation, Flatten, Dropout ---------------------------------------------------------

layerClasses.register('Activation', (r) => {
  const args = { ...readLayerArgs(r), activation: r.string('activation') };
  r.done();
  return new Activation(args);
});

// LeakyReLU and ELU: activations with their own α, as TensorFlow.js and Keras 2 name it
// (Keras 3 calls LeakyReLU's α negative_slope).
layerClasses.register('LeakyReLU', (r) => {
  const args = { ...readLayerArgs(r), alpha: r.number('alpha', 0.3) };
  r.done();
  return new LeakyReLU(args);
});

layerClasses.register('ELU', (r) => {
  const args = { ...readLayerArgs(r), alpha: r.number('alpha', 1) };
  r.done();
  return new ELU(args);
});

layerClasses.register('Flatten', (r) => {
  const args = readLayerArgs(r);
  r.done();
  return new Flatten(args);
}, { kerasOptions: { dataFormat: { value: 'channels_last', accepts: (v) => v === 'channels_last' || v === null } } });

layerClasses.register('Dropout', (r) => {
  const args = { ...readLayerArgs(r), rate: r.number('rate'), seed: r.integerOrNull('seed'), variant: r.string('variant', 'inverted') as 'inverted' | 'classic' };
  r.done();
  return new Dropout(args);
}, {
  kerasOptions: { noiseShape: { value: null } },
  toKeras: ({ className, config }) => {
    // Keras and TensorFlow.js have inverted dropout only. A classic one would load there
    // without error and scale differently at inference, so it is refused here instead.
    if (config.variant === 'classic') {
      throw new ConfigError(`${String(config.name)}: a dropout with variant 'classic' has no equivalent in the TensorFlow.js layers format (Keras and TensorFlow.js drop out inverted only); use variant 'inverted' to save this model`);
    }
    const { variant: _variant, ...keras } = config;
    return { className, config: keras };
  },
});

// ---- BatchNormalization -------------------------------------------------------------------

const isLastAxis = (v: unknown): boolean => v === -1 || v === 1 || (Array.isArray(v) && v.length === 1 && (v[0] === -1 || v[0] === 1));
const initializerOption = (init: Initializer): FixedOption => ({ value: { className: init.className, config: {} }, accepts: isInitializer(init) });

layerClasses.register('BatchNormalization', (r) => {
  const args = { ...readLayerArgs(r), momentum: r.number('momentum', 0.99), epsilon: r.number('epsilon', 1e-3), center: r.boolean('center', true), scale: r.boolean('scale', true) };
  r.done();
  return new BatchNormalization(args);
}, {
  kerasOptions: {
    // Per-sample inputs are vectors [features], so the last axis (-1) is axis 1 of the batch.
    axis: { value: -1, accepts: isLastAxis },
    betaInitializer: initializerOption(zeros),
    gammaInitializer: initializerOption(ones),
    movingMeanInitializer: initializerOption(zeros),
    movingVarianceInitializer: initializerOption(ones),
    betaRegularizer: { value: null },
    gammaRegularizer: { value: null },
    betaConstraint: { value: null },
    gammaConstraint: { value: null },
    synchronized: { value: false, write: false },
  },
});

// ---- shapes before allocation -------------------------------------------------------------

/** A weight a layer will create: its name within the layer and its shape. */
export interface WeightShape {
  name: string;
  shape: number[];
}

/**
 * The output shape of `layer` for a per-sample `inputShape`, and the weights it will
 * allocate, computed from its options alone. Loading checks these against the weights
 * manifest before any layer is built.
 */
export function layerShapes(layer: Layer, inputShape: number[]): { outputShape: number[]; weights: WeightShape[] } {
  const features = sizeOf(inputShape);
  if (features > MAX_DIMENSION) throw new ShapeError(`${layer.name}: input shape ${formatShape(inputShape)} holds ${features} values per sample, more than ${MAX_DIMENSION}`);
  const flat = (): number => {
    if (inputShape.length !== 1) throw new ShapeError(`${layer.name}: expected a flat input of shape [features], got ${formatShape(inputShape)}; put a Flatten layer first`);
    return inputShape[0];
  };
  if (layer instanceof Dense) {
    const weights = [{ name: 'kernel', shape: [flat(), layer.units] }];
    if (layer.useBias) weights.push({ name: 'bias', shape: [layer.units] });
    return { outputShape: [layer.units], weights };
  }
  if (layer instanceof BatchNormalization) {
    const n = flat();
    const names = [...(layer.scale ? ['gamma'] : []), ...(layer.center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
    return { outputShape: [n], weights: names.map((name) => ({ name, shape: [n] })) };
  }
  if (layer instanceof Flatten) return { outputShape: [features], weights: [] };
  if (layer instanceof Dropout || layer instanceof Activation) return { outputShape: [...inputShape], weights: [] };
  throw new ConfigError(`${layer.name}: no shape rule for layer class ${describe(layer.className)}`);
}
