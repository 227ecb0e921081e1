import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

beforeAll(async () => {
  await nn.setBackend('wasm');
});

function mlp(): nn.Sequential {
  const model = nn.sequential([
    nn.layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'hidden' }),
    nn.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
  ], { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const x = [[1, 2, 3], [4, 5, 6]];

describe('bad input gives typed errors naming the argument, expected and actual', () => {
  it('input width mismatch names the first layer and both shapes', async () => {
    await expect(mlp().fit([[1, 2], [3, 4]], [0, 1], { verbose: 0 })).rejects.toThrow(nn.ShapeError);
    await expect(mlp().fit([[1, 2], [3, 4]], [0, 1], { verbose: 0 })).rejects.toThrow(/hidden: expected input of shape \[null, 3\], got x of shape \[null, 2\]/);
    expect(() => mlp().predict([[1, 2, 3, 4]])).toThrow(/expected input of shape \[null, 3\]/);
  });
  it('x/y length mismatch', async () => {
    await expect(mlp().fit(x, [0, 1, 2], { verbose: 0 })).rejects.toThrow(/x has 2 samples but y has 3/);
  });
  it('labels out of range or non-integer for sparse losses', async () => {
    await expect(mlp().fit(x, [0, 3], { verbose: 0 })).rejects.toThrow(nn.ValueError);
    await expect(mlp().fit(x, [0, 3], { verbose: 0 })).rejects.toThrow(/label 3 at sample 1 is not an integer in \[0, 2\]/);
    await expect(mlp().fit(x, [0.5, 1], { verbose: 0 })).rejects.toThrow(/label 0.5 at sample 0/);
    await expect(mlp().fit(x, [-1, 1], { verbose: 0 })).rejects.toThrow(/label -1/);
  });
  it('one-hot labels for a sparse loss, integer labels for a one-hot loss', async () => {
    await expect(mlp().fit(x, [[1, 0, 0], [0, 1, 0]], { verbose: 0 })).rejects.toThrow(/look one-hot/);
    const model = mlp();
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await expect(model.fit(x, [0, 1], { verbose: 0 })).rejects.toThrow(/class indices.*toCategorical/);
  });
  it('NaN or Infinity in x names the sample and feature', async () => {
    await expect(mlp().fit([[1, 2, 3], [4, NaN, 6]], [0, 1], { verbose: 0 })).rejects.toThrow(/x contains NaN at sample 1, feature 1/);
    await expect(mlp().fit([[1, 2, Infinity], [4, 5, 6]], [0, 1], { verbose: 0 })).rejects.toThrow(/x contains Infinity at sample 0, feature 2/);
    expect(() => mlp().evaluate([[1, 2, 3], [4, 5, -Infinity]], [0, 1])).toThrow(nn.ValueError);
  });
  it('unknown activation, loss, optimizer and metric names list the valid ones', () => {
    expect(() => nn.layers.dense({ units: 2, activation: 'mish' })).toThrow(/unknown activation 'mish'; expected one of linear, relu, sigmoid, tanh, softmax/);
    expect(() => mlp().compile({ optimizer: 'adam', loss: 'hinge' })).toThrow(nn.ConfigError);
    expect(() => mlp().compile({ optimizer: 'adagrad', loss: 'mse' })).toThrow(nn.ConfigError);
    expect(() => mlp().compile({ optimizer: 'adagrad', loss: 'mse' })).toThrow(/sgd.*rmsprop.*adam/);
    expect(() => mlp().compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(/unknown metric 'f1'/);
  });
  it('fit before compile', async () => {
    const model = nn.sequential([nn.layers.dense({ units: 2, inputShape: [3] })]);
    await expect(model.fit(x, [0, 1], { verbose: 0 })).rejects.toThrow(nn.ConfigError);
    await expect(model.fit(x, [0, 1], { verbose: 0 })).rejects.toThrow(/compile/);
  });
  it('batchSize ≤ 0 and epochs < 0', async () => {
    await expect(mlp().fit(x, [0, 1], { batchSize: 0, verbose: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(mlp().fit(x, [0, 1], { batchSize: -4, verbose: 0 })).rejects.toThrow(nn.ValueError);
    await expect(mlp().fit(x, [0, 1], { epochs: -1, verbose: 0 })).rejects.toThrow(/epochs must be an integer ≥ 0, got -1/);
    await expect(mlp().fit(x, [0, 1], { validationSplit: 1.5, verbose: 0 })).rejects.toThrow(/validationSplit must be in \[0, 1\), got 1.5/);
  });
  it('a first layer without inputShape waits for the data (test/model/deferred-build.test.ts)', () => {
    expect(nn.sequential([nn.layers.dense({ units: 2 })]).built).toBe(false);
  });
  it('every error is a WasmnnError', async () => {
    await expect(mlp().fit(x, [0, 9], { verbose: 0 })).rejects.toBeInstanceOf(nn.WasmnnError);
  });
});
