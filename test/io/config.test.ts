// getConfig → fromConfig → getConfig gives the same JSON for every layer, regularizer,
// initializer and optimizer (random options, fast-check), directly and through Keras JSON;
// and what cannot be read is refused with a ConfigError naming the class or option.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { ConfigError } from '../../src/errors.js';
import { layerClasses } from '../../src/io/layer-classes.js';
import { initializerClasses, optimizerClasses, regularizerClasses } from '../../src/io/classes.js';
import { serialize, type Serialized } from '../../src/io/registry.js';
import { toCamelCase, toSnakeCase } from '../../src/io/keras-json.js';
import type { Layer } from '../../src/layers/index.js';

const json = (value: unknown): string => JSON.stringify(value);

const factor = fc.double({ min: 0, max: 1, noNaN: true });
const regularizer = fc.oneof(
  fc.constant(null),
  factor.map((f) => nn.regularizers.l1(f)),
  factor.map((f) => nn.regularizers.l2(f)),
  fc.tuple(factor, factor).map(([a, b]) => nn.regularizers.l1l2({ l1: a, l2: b })),
);
const initializerName = fc.constantFrom('glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunUniform', 'lecunNormal', 'zeros', 'ones');
const inputShape = fc.option(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }), { nil: undefined });

const denseLayer = fc.record({
  units: fc.integer({ min: 1, max: 64 }),
  activation: fc.constantFrom('linear', 'relu', 'sigmoid', 'tanh', 'softmax'),
  useBias: fc.boolean(),
  kernelInitializer: initializerName,
  biasInitializer: initializerName,
  kernelRegularizer: regularizer,
  biasRegularizer: regularizer,
  inputShape,
}).map((args) => nn.layers.dense(args));
const batchNormLayer = fc.record({
  momentum: fc.double({ min: 0, max: 1, noNaN: true }),
  epsilon: fc.double({ min: 1e-9, max: 1, noNaN: true }),
  center: fc.boolean(),
  scale: fc.boolean(),
  inputShape,
}).map((args) => nn.layers.batchNormalization(args));
const dropoutLayer = fc.record({
  rate: fc.double({ min: 0, max: 0.99, noNaN: true }),
  seed: fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: null }),
  variant: fc.constantFrom('inverted' as const, 'classic' as const),
  inputShape,
}).map((args) => nn.layers.dropout(args));
const otherLayer = fc.oneof(
  fc.record({ activation: fc.constantFrom('linear', 'relu', 'sigmoid', 'tanh', 'softmax'), inputShape }).map((args) => nn.layers.activation(args)),
  inputShape.map((shape) => nn.layers.flatten({ inputShape: shape })),
);
const anyLayer: fc.Arbitrary<Layer> = fc.oneof(denseLayer, batchNormLayer, dropoutLayer, otherLayer);

const optimizer = fc.oneof(
  fc.record({ learningRate: fc.double({ min: 1e-6, max: 1, noNaN: true }), momentum: fc.double({ min: 0, max: 0.99, noNaN: true }), nesterov: fc.boolean() }).map((a) => nn.optimizers.sgd(a)),
  fc.record({ learningRate: fc.double({ min: 1e-6, max: 1, noNaN: true }), rho: fc.double({ min: 0, max: 0.99, noNaN: true }), epsilon: fc.double({ min: 1e-10, max: 1e-3, noNaN: true }) }).map((a) => nn.optimizers.rmsprop(a)),
  fc.record({ learningRate: fc.double({ min: 1e-6, max: 1, noNaN: true }), beta1: fc.double({ min: 0, max: 0.99, noNaN: true }), beta2: fc.double({ min: 0, max: 0.9999, noNaN: true }) }).map((a) => nn.optimizers.adam(a)),
  fc.record({ learningRate: fc.double({ min: 1e-6, max: 1, noNaN: true }), weightDecay: fc.double({ min: 0, max: 0.1, noNaN: true }) }).map((a) => nn.optimizers.adamw(a)),
);

/** Through a JSON string, as a file would carry it. */
const viaText = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('config round trip: getConfig → fromConfig → getConfig', () => {
  it('every layer, with random options, gives identical JSON', () => {
    fc.assert(fc.property(anyLayer, (layer) => {
      const again = layerClasses.fromConfig(viaText(serialize(layer)), 'test');
      expect(again.className).toBe(layer.className);
      expect(json(again.getConfig())).toBe(json(layer.getConfig()));
    }), { seed: 12, numRuns: 300 });
  });

  it('every optimizer, regularizer and initializer gives identical JSON', () => {
    fc.assert(fc.property(optimizer, (opt) => {
      expect(json(optimizerClasses.fromConfig(viaText(serialize(opt)), 'test').getConfig())).toBe(json(opt.getConfig()));
    }), { seed: 13, numRuns: 200 });
    fc.assert(fc.property(regularizer.filter((r) => r !== null), (reg) => {
      const again = regularizerClasses.fromConfig(viaText(serialize(reg!)), 'test');
      expect(again.className).toBe(reg!.className);
      expect(json(again.getConfig())).toBe(json(reg!.getConfig()));
    }), { seed: 14, numRuns: 100 });
    for (const name of ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunUniform', 'lecunNormal', 'zeros', 'ones']) {
      const init = nn.initializers.getInitializer(name);
      expect(initializerClasses.fromConfig(viaText(serialize(init)), 'test')).toBe(init);
    }
  });

  it("a Dense layer's regularizers keep their class names", () => {
    const layer = nn.layers.dense({ units: 2, kernelRegularizer: nn.regularizers.l2(0.25), biasRegularizer: nn.regularizers.l1(0.5) });
    expect(layer.getConfig()).toMatchObject({
      kernelRegularizer: { className: 'L2', config: { l2: 0.25 } },
      biasRegularizer: { className: 'L1', config: { l1: 0.5 } },
      kernelInitializer: { className: 'GlorotUniform', config: { seed: null } },
      biasInitializer: { className: 'Zeros', config: {} },
    });
  });

  it('the model config round-trips too (getConfig of every layer after toArtifacts → fromArtifacts)', async () => {
    await nn.ready();
    const model = nn.sequential([
      nn.layers.flatten({ inputShape: [2, 2] }),
      nn.layers.dense({ units: 3, activation: 'tanh', kernelRegularizer: nn.regularizers.l1l2({ l1: 0.1, l2: 0.2 }) }),
      nn.layers.batchNormalization({ momentum: 0.5, center: false }),
      nn.layers.dropout({ rate: 0.25, seed: 3 }),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ], { seed: 5, name: 'tiny' });
    model.compile({ optimizer: nn.optimizers.rmsprop({ rho: 0.8 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const again = nn.fromArtifacts(model.toArtifacts());
    expect(again.name).toBe('tiny');
    expect(again.seed).toBe(5);
    expect(again.layers.map((l) => json(l.getConfig()))).toEqual(model.layers.map((l) => json(l.getConfig())));
    expect(again.loss).toBe('categoricalCrossentropy');
    expect(json(serialize(again.optimizer))).toBe(json(serialize(model.optimizer)));
    expect(json(again.toArtifacts().modelTopology)).toBe(json(model.toArtifacts().modelTopology));
    model.dispose();
    again.dispose();
  });
});

describe('Keras JSON', () => {
  it('renames keys camelCase ↔ snake_case as Keras spells them', () => {
    for (const [camel, snake] of [['useBias', 'use_bias'], ['batchInputShape', 'batch_input_shape'], ['beta1', 'beta_1'], ['beta2', 'beta_2'],
      ['learningRate', 'learning_rate'], ['className', 'class_name'], ['movingVarianceInitializer', 'moving_variance_initializer'], ['units', 'units']]) {
      expect(toSnakeCase(camel)).toBe(snake);
      expect(toCamelCase(snake)).toBe(camel);
    }
    expect(toSnakeCase('constructor')).toBe('constructor'); // not Object.prototype's
  });

  /** A layer's getConfig after a trip through Keras JSON, with L1/L2 read back as L1L2. */
  function kerasTrip(layer: Layer): Record<string, unknown> {
    return layerClasses.fromConfig(viaText(layerClasses.toKeras(serialize(layer))), 'test', 'keras').getConfig();
  }
  const asL1L2 = (r: unknown): unknown => {
    const s = r as Serialized | null;
    return s === null ? null : { className: 'L1L2', config: { l1: s.config.l1 ?? 0, l2: s.config.l2 ?? 0 } };
  };

  it('every layer survives a trip through Keras JSON (penalties as L1L2, the class both Keras and TF.js read)', () => {
    fc.assert(fc.property(anyLayer.filter((l) => l.getConfig().variant !== 'classic'), (layer) => {
      const expected = { ...layer.getConfig() };
      if ('kernelRegularizer' in expected) {
        expected.kernelRegularizer = asL1L2(expected.kernelRegularizer);
        expected.biasRegularizer = asL1L2(expected.biasRegularizer);
      }
      expect(json(kerasTrip(layer))).toBe(json(expected));
    }), { seed: 15, numRuns: 300 });
  });

  it('writes the options Keras writes, at the values that mean what wasmnn computes', () => {
    const dense = layerClasses.toKeras(serialize(nn.layers.dense({ units: 3, inputShape: [4], name: 'd', kernelInitializer: 'heNormal', kernelRegularizer: nn.regularizers.l2(0.5) })));
    expect(dense).toEqual({
      class_name: 'Dense',
      config: {
        name: 'd', trainable: true, batch_input_shape: [null, 4], dtype: 'float32', units: 3, activation: 'linear', use_bias: true,
        kernel_initializer: { class_name: 'HeNormal', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.5 } }, bias_regularizer: null,
        activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      },
    });
    const bn = layerClasses.toKeras(serialize(nn.layers.batchNormalization({ name: 'bn', scale: false })));
    expect(bn.config).toMatchObject({ axis: -1, momentum: 0.99, epsilon: 1e-3, center: true, scale: false, gamma_initializer: { class_name: 'Ones', config: {} }, beta_constraint: null });
    expect(layerClasses.toKeras(serialize(nn.layers.dropout({ rate: 0.5, name: 'dr' }))).config).toEqual({ name: 'dr', trainable: true, dtype: 'float32', rate: 0.5, seed: null, noise_shape: null });
    expect(layerClasses.toKeras(serialize(nn.layers.flatten({ name: 'f' }))).config).toEqual({ name: 'f', trainable: true, dtype: 'float32', data_format: 'channels_last' });
    // LeCun is spelled differently by Keras and TF.js: written as the VarianceScaling both read.
    const lecun = layerClasses.toKeras(serialize(nn.layers.dense({ units: 1, kernelInitializer: 'lecunUniform' })));
    expect(lecun.config.kernel_initializer).toEqual({ class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: 'uniform', seed: null } });
    expect(optimizerClasses.toKeras(serialize(nn.optimizers.adam({ learningRate: 0.01 })))).toEqual({ class_name: 'Adam', config: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } });
  });

  it('reads what Keras 2/3 and TensorFlow.js write for the same things', () => {
    const read = (className: string, config: Record<string, unknown>): Layer => layerClasses.fromConfig({ class_name: className, config }, 'test', 'keras');
    const dense = read('Dense', {
      name: 'k', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      units: 2, activation: 'relu', use_bias: false, lora_rank: null,
      kernel_initializer: { module: 'keras.initializers', class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null }, registered_name: null },
    });
    expect(dense.getConfig()).toMatchObject({ name: 'k', units: 2, useBias: false, kernelInitializer: { className: 'HeNormal' } });
    expect(read('BatchNormalization', { axis: [1], synchronized: false, beta_initializer: { className: 'Zeros', config: {} }, momentum: 0.5 }).getConfig()).toMatchObject({ momentum: 0.5 });
    expect(read('Dense', { units: 1, kernel_initializer: { class_name: 'LecunNormal', config: { seed: null } } }).getConfig()).toMatchObject({ kernelInitializer: { className: 'LeCunNormal' } });
    // TF.js writes optimizer configs in camelCase, and its own class names
    expect(optimizerClasses.fromConfig({ class_name: 'Adam', config: { learningRate: 0.5, beta1: 0.8 } }, 'test', 'keras').getConfig()).toMatchObject({ learningRate: 0.5, beta1: 0.8 });
    expect(optimizerClasses.fromConfig({ class_name: 'RMSProp', config: { learningRate: 0.1, decay: 0.7, momentum: 0, epsilon: 1e-6, centered: false } }, 'test', 'keras').getConfig()).toEqual({ learningRate: 0.1, rho: 0.7, epsilon: 1e-6 });
    expect(optimizerClasses.fromConfig({ class_name: 'Momentum', config: { learningRate: 0.1, momentum: 0.9, useNesterov: true } }, 'test', 'keras').getConfig()).toEqual({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    // Keras 3's Adam config, at the values that turn its extra features off
    const keras3Adam = { name: 'adam', learning_rate: 0.001, weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null, use_ema: false, ema_momentum: 0.99,
      ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false };
    expect(optimizerClasses.fromConfig({ class_name: 'Adam', config: keras3Adam }, 'test', 'keras')).toBeInstanceOf(nn.optimizers.Adam);
  });
});

describe('what wasmnn cannot read is a ConfigError naming it', () => {
  const readLayer = (className: string, config: Record<string, unknown>) => () => layerClasses.fromConfig({ class_name: className, config }, 'layer 1', 'keras');
  it('an unsupported layer class, listing the supported ones', () => {
    expect(readLayer('Conv2D', { filters: 3 })).toThrow(ConfigError);
    expect(readLayer('Conv2D', { filters: 3 })).toThrow(/layer 1: unsupported layer class "Conv2D"; wasmnn reads Dense, Activation, LeakyReLU, ELU, Flatten, Dropout, BatchNormalization/);
  });
  it('an option wasmnn does not implement, or implements at another value', () => {
    expect(readLayer('Dense', { units: 2, kernel_constraint: { class_name: 'MaxNorm', config: {} } })).toThrow(/Dense \(layer 1\): option 'kernel_constraint' = \{"class_name":"MaxNorm","config":\{\}\} is not supported; wasmnn implements only null/);
    expect(readLayer('Dense', { units: 2, foo_bar: 1 })).toThrow(/Dense \(layer 1\): unsupported option 'foo_bar'/);
    expect(readLayer('Dropout', { rate: 0.5, noise_shape: [null, 1] })).toThrow(/noise_shape/);
    expect(readLayer('BatchNormalization', { axis: 2 })).toThrow(/option 'axis' = 2 is not supported/);
    expect(readLayer('BatchNormalization', { gamma_initializer: { class_name: 'Zeros', config: {} } })).toThrow(/gamma_initializer/);
    expect(readLayer('Dense', { units: 2, trainable: false })).toThrow(/trainable/);
    expect(readLayer('Flatten', { data_format: 'channels_first' })).toThrow(/data_format/);
    expect(readLayer('Dense', { units: 2, kernel_initializer: { class_name: 'Orthogonal', config: { gain: 1 } } })).toThrow(/unsupported initializer class "Orthogonal"/);
    expect(readLayer('Dense', { units: 2, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 42 } } })).toThrow(/seeded initializer/);
    expect(readLayer('Dense', { units: 2, kernel_regularizer: { class_name: 'OrthogonalRegularizer', config: {} } })).toThrow(/unsupported regularizer class/);
  });
  it('an unsupported dtype or activation', () => {
    expect(readLayer('Dense', { units: 2, dtype: 'float16' })).toThrow(/option 'dtype' = "float16" is not supported; wasmnn implements only "float32"/);
    expect(readLayer('Dense', { units: 2, activation: 'mish' })).toThrow(/unknown activation 'mish'/);
  });
  it('a value of the wrong type, naming the expected and the actual', () => {
    expect(readLayer('Dense', { units: 'ten' })).toThrow(/option 'units' must be an integer in \[1, 1073741824\], got "ten"/);
    expect(readLayer('BatchNormalization', { center: 'yes' })).toThrow(/option 'center' must be true or false, got "yes"/);
    expect(readLayer('Dense', { units: 2, batch_input_shape: [null, -3] })).toThrow(/batch_input_shape/);
    expect(() => layerClasses.fromConfig({ class_name: 'Dense', config: [] }, 'layer 1', 'keras')).toThrow(ConfigError);
    expect(() => layerClasses.fromConfig(JSON.parse('{"class_name": "Dense", "config": {"units": 2, "__proto__": {"x": 1}}}'), 'layer 1', 'keras')).toThrow(/unsupported option '__proto__'/);
  });
  it('an optimizer option or class wasmnn lacks', () => {
    expect(() => optimizerClasses.fromConfig({ class_name: 'Adam', config: { amsgrad: true } }, 'optimizer_config', 'keras')).toThrow(/amsgrad/);
    expect(() => optimizerClasses.fromConfig({ class_name: 'Adagrad', config: {} }, 'optimizer_config', 'keras')).toThrow(/unsupported optimizer class "Adagrad"; wasmnn reads SGD, Momentum, RMSprop, RMSProp, Adam, AdamW/);
    expect(() => optimizerClasses.fromConfig({ class_name: 'SGD', config: { clipnorm: 1 } }, 'optimizer_config', 'keras')).toThrow(/clipnorm/);
  });
  it("a loss or metric named after something on Object.prototype ('constructor', 'toString')", async () => {
    await nn.ready();
    const model = nn.sequential([nn.layers.dense({ units: 2, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['accuracy'] });
    for (const [key, value] of [['loss', 'constructor'], ['loss', 'hasOwnProperty'], ['metrics', ['toString']]] as const) {
      const artifacts = model.toArtifacts();
      (artifacts.modelTopology.training_config as Record<string, unknown>)[key] = value;
      expect(() => nn.fromArtifacts(artifacts)).toThrow(ConfigError);
    }
    expect(() => model.compile({ optimizer: 'sgd', loss: 'constructor' })).toThrow(/unknown loss 'constructor'/);
    model.dispose();
  });

  it('a classic dropout cannot be written (Keras and TF.js would load it as inverted, silently)', () => {
    expect(() => layerClasses.toKeras(serialize(nn.layers.dropout({ rate: 0.5, variant: 'classic', name: 'dc' })))).toThrow(/dc: a dropout with variant 'classic' has no equivalent/);
  });
});
