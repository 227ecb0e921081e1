/**
 * Misuse, as a new user commits it: each row is one wrong call across the public API. Every
 * row must throw the named error class, with a message that names the argument, says what
 * was expected and shows what was found, and must leave the model it touched exactly as it
 * was: weights, batch-norm statistics, optimizer moments and step count, the shuffle stream
 * and the dropout step counters.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { Random } from '../src/random.js';
import { useBackend } from './helpers/backends.js';

type ErrorClass = new (...args: never[]) => Error;
type Row = [name: string, call: () => unknown, error: ErrorClass, message: RegExp];

const { ConfigError, ValueError, ShapeError, MemoryLimitError } = nn;

/** Everything a refused call must leave alone, as one digest. */
function stateOf(model: nn.Sequential): string {
  const hash = createHash('sha256');
  for (const w of model.weights()) hash.update(new Uint8Array(w.value.data.slice().buffer));
  const optimizer = model.optimizer as unknown as { iterations: number; state: Map<unknown, { buffers: { view(): Float32Array }[] }> };
  hash.update(`iterations ${optimizer.iterations}`);
  for (const { buffers } of optimizer.state.values()) for (const b of buffers) hash.update(new Uint8Array(b.view().slice().buffer));
  hash.update(JSON.stringify((model as unknown as { shuffleRandom: unknown }).shuffleRandom));
  hash.update(JSON.stringify(model.layers.map((l) => (l as unknown as { step?: number }).step ?? null)));
  return hash.digest('hex');
}

/** The error a call throws or its promise rejects with (undefined if it succeeds). */
async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('misuse of the public API: a typed error naming what is wrong, and nothing changed', () => {
  let model: nn.Sequential, spare: nn.Sequential;
  const random = new Random(3);
  const x = Array.from({ length: 40 }, () => Array.from({ length: 6 }, () => random.normal()));
  const y = x.map((row) => (row[0] > 0 ? 1 : 0) + (row[1] > 0 ? 1 : 0));
  const layers = nn.layers, optimizers = nn.optimizers, callbacks = nn.callbacks;

  beforeAll(async () => {
    await useBackend('wasm', false);
    model = nn.sequential([
      layers.dense({ units: 8, activation: 'relu', inputShape: [6] }),
      layers.batchNormalization(),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ], { seed: 11 });
    model.compile({ optimizer: optimizers.adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // optimizer state and dropout steps exist
    spare = nn.sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [6] })], { seed: 1 });
  });

  const fitWith = (options: unknown, xs: unknown = x, ys: unknown = y) => () => model.fit(xs as number[][], ys as number[], { verbose: 0, ...(options as object) });
  const fitRaw = (options: unknown) => () => model.fit(x, y, options as nn.FitOptions);
  const other = () => spare;

  const rows: Row[] = [
    // fit: options
    ['fit batch_size', fitWith({ batch_size: 64 }), ConfigError, /fit: unknown option 'batch_size'.*use 'batchSize'/],
    ['fit epoch', fitWith({ epoch: 5 }), ConfigError, /fit: unknown option 'epoch'; did you mean 'epochs'\?/],
    ['fit validation_split', fitWith({ validation_split: 0.1 }), ConfigError, /'validation_split'.*'validationSplit'/],
    ['fit validation_data', fitWith({ validation_data: [x, y] }), ConfigError, /'validation_data'.*'validationData'/],
    ['fit initial_epoch', fitWith({ initial_epoch: 1 }), ConfigError, /'initial_epoch'.*'initialEpoch'/],
    ['fit epochs as a string', fitWith({ epochs: '5' }), ConfigError, /fit: epochs must be a number, got the string "5"/],
    ['fit batchSize 0', fitWith({ batchSize: 0 }), ValueError, /fit: batchSize must be a positive integer, got 0/],
    ['fit batchSize 2.5', fitWith({ batchSize: 2.5 }), ValueError, /fit: batchSize must be a positive integer, got 2.5/],
    ['fit epochs -1', fitWith({ epochs: -1 }), ValueError, /fit: epochs must be an integer ≥ 0, got -1/],
    ['fit initialEpoch -1', fitWith({ initialEpoch: -1 }), ValueError, /fit: initialEpoch must be an integer ≥ 0, got -1/],
    ['fit validationSplit 1', fitWith({ validationSplit: 1 }), ValueError, /fit: validationSplit must be in \[0, 1\), got 1/],
    ['fit validationSplit as a string', fitWith({ validationSplit: '0.5' }), ConfigError, /validationSplit must be a number, got the string "0.5"/],
    ['fit validationSplit NaN', fitWith({ validationSplit: Number.NaN }), ValueError, /validationSplit must be a finite number, got NaN/],
    ['fit verbose 3', fitWith({ verbose: 3 }), ValueError, /fit: verbose must be 0, 1 or 2, got 3/],
    ['fit shuffle as a string', fitWith({ shuffle: 'yes' }), ConfigError, /fit: shuffle must be a boolean, got the string "yes"/],
    ['fit validationData as an object', fitWith({ validationData: { x, y } }), ConfigError, /fit: validationData must be an array, got an object/],
    ['fit validationData of one', fitWith({ validationData: [x] }), ConfigError, /validationData must be \[x, y\], got an array of length 1/],
    ['fit empty validationData', fitWith({ validationData: [[], []] }), ValueError, /validationData holds 0 samples; expected at least 1/],
    ['fit a function as a callback', fitWith({ callbacks: [() => undefined] }), ConfigError, /callbacks\[0\] is a function.*nn\.callbacks\.lambda/],
    ['fit a number as a callback', fitWith({ callbacks: [42] }), ConfigError, /callbacks\[0\] must be a callback object.*got the number 42/],
    ['fit options as a number', fitRaw(5), ConfigError, /fit: expected an options object .*got the number 5/],
    ['fit validationSplit leaving no validation', fitWith({ validationSplit: 1e-17 }), ValueError, /validationSplit 1e-17 of 40 samples leaves 40 for training and 0 for validation/],
    // fit: data
    ['fit x of the wrong shape', fitWith({}, x.map((r) => r.slice(1))), ShapeError, /expected input of shape \[null, 6\], got x of shape \[null, 5\]/],
    ['fit label out of range', fitWith({}, x, y.map((v, i) => (i === 3 ? 7 : v))), ValueError, /y: label 7 at sample 3 is not an integer in \[0, 2\]/],
    ['fit fractional label', fitWith({}, x, y.map((v, i) => (i === 2 ? 0.5 : v))), ValueError, /label 0.5 at sample 2 is not an integer/],
    ['fit negative label', fitWith({}, x, y.map((v, i) => (i === 0 ? -1 : v))), ValueError, /label -1 at sample 0/],
    ['fit NaN in x', fitWith({}, x.map((r, i) => (i === 5 ? [Number.NaN, ...r.slice(1)] : r))), ValueError, /x contains NaN at sample 5, feature 0; expected finite numbers/],
    ['fit Infinity in x', fitWith({}, x.map((r, i) => (i === 1 ? [...r.slice(0, 5), Infinity] : r))), ValueError, /x contains Infinity at sample 1, feature 5/],
    ['fit x and y of different lengths', fitWith({}, x, y.slice(1)), ShapeError, /fit: x has 40 samples but y has 39; expected the same number/],
    ['fit no samples', fitWith({}, [], []), ValueError, /fit: x and y hold 0 samples; expected at least 1/],
    ['fit BigInt labels', fitWith({}, x, new BigInt64Array(40)), ValueError, /y: expected numbers, got a BigInt64Array/],
    ['fit x as a string', fitWith({}, 'pixels'), ValueError, /x: expected a Tensor, Float32Array or array, got string/],
    ['fit a last batch of one with batch norm', fitWith({ batchSize: 13 }), ValueError, /batch_normalization.*at least 2 samples, but 40 samples in batches of 13 leave a last batch of 1/],
    ['fit batchSize 1 with batch norm', fitWith({ batchSize: 1 }), ValueError, /trains on batches of at least 2 samples, but batchSize 1/],
    ['fit NaN in validationData', fitWith({ validationData: [[[Number.NaN, 0, 0, 0, 0, 0]], [0]] }), ValueError, /validationData x contains NaN at sample 0/],
    // compile
    ['compile metrics as a string', () => other().compile({ optimizer: 'adam', loss: 'mse', metrics: 'accuracy' as never }), ConfigError, /compile: metrics must be an array, got the string "accuracy"/],
    ['compile an unknown loss', () => other().compile({ optimizer: 'adam', loss: 'crossentropy' }), ConfigError, /compile: unknown loss 'crossentropy'; expected one of/],
    ['compile an unknown optimizer', () => other().compile({ optimizer: 'adamax', loss: 'mse' }), ConfigError, /unknown optimizer 'adamax'; expected an Optimizer or one of sgd, rmsprop, adam, adamw/],
    ['compile optimiser', () => other().compile({ optimiser: 'adam', loss: 'mse' } as never), ConfigError, /compile: unknown option 'optimiser'; did you mean 'optimizer'\?/],
    ['compile null', () => other().compile(null as never), ConfigError, /compile: options \{ optimizer, loss \} are required/],
    ['compile an unknown metric', () => other().compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] }), ConfigError, /compile: unknown metric 'f1'/],
    ['compile a shared optimizer', () => other().compile({ optimizer: model.optimizer, loss: 'mse' }), ConfigError, /Adam optimizer is already compiled into another model/],
    ['compile without a loss', () => other().compile({ optimizer: 'adam' } as never), ConfigError, /compile: 'loss' is required/],
    // evaluate and predict
    ['evaluate batch_size', () => model.evaluate(x, y, { batch_size: 8 } as never), ConfigError, /evaluate: unknown option 'batch_size'.*'batchSize'/],
    ['evaluate batchSize 0', () => model.evaluate(x, y, { batchSize: 0 }), ValueError, /evaluate: batchSize must be a positive integer, got 0/],
    ['evaluate no samples', () => model.evaluate([], []), ValueError, /evaluate: x and y hold 0 samples; expected at least 1/],
    ['evaluate the wrong shape', () => model.evaluate([[1, 2]], [0]), ShapeError, /expected input of shape \[null, 6\], got x of shape \[null, 2\]/],
    ['predict batchSize -1', () => model.predict(x, { batchSize: -1 }), ValueError, /predict: batchSize must be a positive integer, got -1/],
    ['predict the wrong shape', () => model.predict([[1, 2, 3]]), ShapeError, /expected input of shape \[null, 6\]/],
    ['predict a string', () => model.predict('x' as never), ValueError, /x: expected a Tensor, Float32Array or array, got string/],
    // layers
    ['dense units 0', () => layers.dense({ units: 0 }), ValueError, /dense\w*: units must be a positive integer, got 0/],
    ['dense units 2.5', () => layers.dense({ units: 2.5 }), ValueError, /units must be a positive integer, got 2.5/],
    ['dense units as a string', () => layers.dense({ units: '64' as never }), ConfigError, /dense: units must be a number, got the string "64"/],
    ['dense(128)', () => layers.dense(128 as never), ConfigError, /dense: options are passed by name, as in dense\(\{ units: 128 \}\)/],
    ['dense activaton', () => layers.dense({ units: 4, activaton: 'relu' } as never), ConfigError, /dense: unknown option 'activaton'; did you mean 'activation'\?/],
    ['dense an unknown activation', () => layers.dense({ units: 4, activation: 'relux' }), ConfigError, /unknown activation 'relux'; expected one of/],
    ['dense inputShape 4', () => layers.dense({ units: 4, inputShape: 4 as never }), ConfigError, /dense: inputShape must be an array, got the number 4/],
    ['dense inputShape [0]', () => layers.dense({ units: 4, inputShape: [0] }), ShapeError, /inputShape \[0\] must hold positive integers/],
    ['dense a regularizer object', () => layers.dense({ units: 4, kernelRegularizer: { l2: 0.01 } as never }), ConfigError, /kernelRegularizer must be a regularizer such as nn\.regularizers\.l2\(0\.01\).*got an object \{"l2":0\.01\}/],
    ['dense an unknown regularizer name', () => layers.dense({ units: 4, kernelRegularizer: 'l3' }), ConfigError, /kernelRegularizer must be a regularizer.*got the string "l3"/],
    ['dense kernel_initializer', () => layers.dense({ units: 4, kernel_initializer: 'heNormal' } as never), ConfigError, /'kernel_initializer'.*'kernelInitializer'/],
    ['dense an unknown initializer', () => layers.dense({ units: 4, kernelInitializer: 'he' }), ConfigError, /unknown initializer "he"; expected one of/],
    ['dense use_bias', () => layers.dense({ units: 4, use_bias: false } as never), ConfigError, /'use_bias'.*'useBias'/],
    ['dense useBias as a string', () => layers.dense({ units: 4, useBias: 'no' as never }), ConfigError, /useBias must be a boolean, got the string "no"/],
    ['dropout rate 1', () => layers.dropout({ rate: 1 }), ValueError, /rate must be a number in \[0, 1\), got 1/],
    ['dropout rate -0.1', () => layers.dropout({ rate: -0.1 }), ValueError, /rate must be a number in \[0, 1\), got -0.1/],
    ['dropout(0.5)', () => layers.dropout(0.5 as never), ConfigError, /dropout: options are passed by name, as in dropout\(\{ rate: 0.5 \}\)/],
    ['dropout an unknown variant', () => layers.dropout({ rate: 0.5, variant: 'gaussian' as never }), ConfigError, /variant must be 'inverted' or 'classic', got 'gaussian'/],
    ['dropout seed 1.5', () => layers.dropout({ rate: 0.5, seed: 1.5 }), ConfigError, /dropout: seed must be an integer or null, got the number 1.5/],
    ['batchNormalization momentum 2', () => layers.batchNormalization({ momentum: 2 }), ValueError, /momentum must be a number in \[0, 1\], got 2/],
    ['batchNormalization epsilon 0', () => layers.batchNormalization({ epsilon: 0 }), ValueError, /epsilon must be a positive number, got 0/],
    ['batchNormalization moment', () => layers.batchNormalization({ moment: 0.9 } as never), ConfigError, /unknown option 'moment'; did you mean 'momentum'\?/],
    ["activation('relu')", () => layers.activation('relu' as never), ConfigError, /activation: options are passed by name, as in activation\(\{ activation: 'relu' \}\)/],
    ['activation an unknown name', () => layers.activation({ activation: 'sigmoidal' }), ConfigError, /unknown activation 'sigmoidal'/],
    ['flatten input_shape', () => layers.flatten({ input_shape: [28, 28] } as never), ConfigError, /'input_shape'.*'inputShape'/],
    // optimizers
    ['adam lr', () => optimizers.adam({ lr: 0.01 } as never), ConfigError, /adam: unknown option 'lr': Keras's 'lr' is called 'learningRate' here/],
    ['adam learningrate', () => optimizers.adam({ learningrate: 0.01 } as never), ConfigError, /unknown option 'learningrate'; did you mean 'learningRate'\?/],
    ['adam learningRate -1', () => optimizers.adam({ learningRate: -1 }), ValueError, /adam: learningRate must be > 0, got -1/],
    ['adam learningRate as a string', () => optimizers.adam({ learningRate: '0.01' as never }), ConfigError, /learningRate must be a number, got the string "0.01"/],
    ['adam epsilon 0', () => optimizers.adam({ epsilon: 0 }), ValueError, /adam: epsilon must be > 0, got 0/],
    ['adam beta1 1', () => optimizers.adam({ beta1: 1 }), ValueError, /adam: beta1 must be in \[0, 1\), got 1/],
    ['sgd momentum 1', () => optimizers.sgd({ momentum: 1 }), ValueError, /sgd: momentum must be in \[0, 1\), got 1/],
    ['sgd nesterov as a string', () => optimizers.sgd({ nesterov: 'true' as never }), ConfigError, /sgd: nesterov must be a boolean, got the string "true"/],
    ['rmsprop rho -1', () => optimizers.rmsprop({ rho: -1 }), ValueError, /rmsprop: rho must be in \[0, 1\), got -1/],
    ['rmsprop epsilon 0', () => optimizers.rmsprop({ epsilon: 0 }), ValueError, /rmsprop: epsilon must be > 0, got 0/],
    ['adamw weight_decay', () => optimizers.adamw({ weight_decay: 0.1 } as never), ConfigError, /'weight_decay'.*'weightDecay'/],
    // callbacks
    ['earlyStopping patiance', () => callbacks.earlyStopping({ patiance: 3 } as never), ConfigError, /earlyStopping: unknown option 'patiance'; did you mean 'patience'\?/],
    ['earlyStopping patience -1', () => callbacks.earlyStopping({ patience: -1 }), ValueError, /earlyStopping: patience must be an integer ≥ 0, got -1/],
    ['earlyStopping mode up', () => callbacks.earlyStopping({ mode: 'up' as never }), ValueError, /mode must be 'auto', 'min' or 'max', got 'up'/],
    ['earlyStopping restore_best_weights', () => callbacks.earlyStopping({ restore_best_weights: true } as never), ConfigError, /'restore_best_weights'.*'restoreBestWeights'/],
    ['reduceLROnPlateau factor 2', () => callbacks.reduceLROnPlateau({ factor: 2 }), ValueError, /reduceLROnPlateau: factor must be in \(0, 1\), got 2/],
    ['reduceLROnPlateau min_lr', () => callbacks.reduceLROnPlateau({ min_lr: 0 } as never), ConfigError, /'min_lr'.*'minLr'/],
    ['learningRateScheduler(fn)', () => callbacks.learningRateScheduler((() => 0.1) as never), ConfigError, /learningRateScheduler: expected an options object \{ schedule, verbose \}, got a function/],
    ['lambda a number hook', () => callbacks.lambda({ onEpochEnd: 5 as never }), ConfigError, /lambda: onEpochEnd must be a function, got the number 5/],
    // regularizers
    ['l2(-1)', () => nn.regularizers.l2(-1), ValueError, /l2 must be ≥ 0, got -1/],
    ['l1l2 l3', () => nn.regularizers.l1l2({ l3: 1 } as never), ConfigError, /l1l2: unknown option 'l3'/],
    // tensors and shapes
    ['zeros([-2, -3])', () => nn.zeros([-2, -3]), ShapeError, /zeros: shape \[-2, -3\] must be an array of non-negative integers/],
    ['zeros([2.5])', () => nn.zeros([2.5]), ShapeError, /zeros: shape \[2.5\]/],
    ['tensor ragged', () => nn.tensor([[1, 2], [3]]), ShapeError, /tensor\[1\]: ragged array: expected length 2, got length 1/],
    ['tensor a string entry', () => nn.tensor([1, 'a' as never]), ValueError, /tensor\[1\]: expected a number, got string/],
    ['tensor BigInt64Array', () => nn.tensor(new BigInt64Array(2) as never), ValueError, /tensor: expected numbers, got a BigInt64Array/],
    ['tensor a shape that does not fit', () => nn.tensor([1, 2, 3], [2, 2]), ShapeError, /shape \[2, 2\] needs 4 values, got 3/],
    // models
    ['sequential sed', () => nn.sequential([], { sed: 1 } as never), ConfigError, /sequential: unknown option 'sed'; did you mean 'seed'\?/],
    ['sequential seed 1.5', () => nn.sequential([], { seed: 1.5 }), ValueError, /sequential: seed must be an integer, got 1.5/],
    ['sequential layers as a string', () => nn.sequential('dense' as never), ConfigError, /sequential: layers must be an array of layers, got the string "dense"/],
    ['sequential a non-layer', () => nn.sequential([{} as never]), ConfigError, /sequential: expected a layer such as nn\.layers\.dense/],
    ['a layer shared by two models', () => nn.sequential([model.layers[0]]), ConfigError, /already belongs to another model; layers cannot be shared/],
    ['an oversized layer', () => nn.sequential([layers.dense({ units: 1e9, inputShape: [784] })]), MemoryLimitError, /weight 'kernel' of shape \[784, 1000000000\] needs 5\.7 TiB with its gradient, more than the 4\.0 GiB of WebAssembly memory left/],
    // data and backend
    ['trainTestSplit test_size', () => nn.data.trainTestSplit(x, y, { test_size: 0.2 } as never), ConfigError, /'test_size'.*'testSize'/],
    ['kFold folds', () => nn.data.kFold(10, { folds: 3 } as never), ConfigError, /kFold: unknown option 'folds'/],
    ['loadMnist train_size', () => nn.data.loadMnist({ train_size: 100 } as never), ConfigError, /'train_size'.*'trainSize'/],
    ['toCategorical a label past numClasses', () => nn.data.toCategorical([0, 5], 3), ValueError, /5/],
    ['setBackend gpu', () => nn.setBackend('gpu' as never), ConfigError, /setBackend: unknown backend 'gpu'; expected 'wasm' or 'reference'/],
    ['setBackend relaxd', () => nn.setBackend('wasm', { relaxd: false } as never), ConfigError, /unknown option 'relaxd'; did you mean 'relaxed'\?/],
  ];

  it('has at least 80 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  for (const [name, call, errorClass, message] of rows) {
    it(name, async () => {
      const before = stateOf(model);
      const memory = nn.memoryStats().bytesInUse;
      const error = await caught(call);
      expect(error, `${name} did not throw`).toBeInstanceOf(errorClass);
      expect((error as Error).message).toMatch(message);
      expect(stateOf(model)).toBe(before);
      expect(nn.memoryStats().bytesInUse, 'a refused call leaves memory as it was').toBe(memory);
    });
  }
});
