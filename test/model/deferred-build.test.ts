/**
 * A first layer without inputShape: the model is built on the first fit, evaluate or predict,
 * or by model.build([null, ...shape]), as Keras does, and seeded runs stay bit-identical to
 * the same model declared with its inputShape.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';

beforeAll(async () => {
  await nn.setBackend('wasm', { relaxed: false });
});

/** Dense(32) → BatchNormalization → Activation(relu) → Dropout → Dense(10, softmax), with or without inputShape. */
function mlp(inputShape: number[] | undefined, seed = 7): nn.Sequential {
  const L = nn.layers;
  return nn.sequential([
    L.dense({ units: 32, kernelRegularizer: nn.regularizers.l2(1e-3), ...(inputShape ? { inputShape } : {}) }),
    L.batchNormalization(),
    L.activation({ activation: 'relu' }),
    L.dropout({ rate: 0.3 }),
    L.dense({ units: 10, activation: 'softmax' }),
  ], { seed });
}

function data(n: number): { x: number[][]; y: number[] } {
  const random = new Random(11);
  const x = Array.from({ length: n }, () => Array.from({ length: 12 }, () => random.normal()));
  return { x, y: x.map((row) => (row[0] > 0 ? 1 : 0) + (row[1] > 0 ? 2 : 0)) };
}

/** Every weight's float32 bits. */
function bits(model: nn.Sequential): number[][] {
  return model.getWeights().map((t) => {
    const out = Array.from(new Uint32Array(t.data.slice().buffer));
    t.dispose();
    return out;
  });
}

describe('deferred build', () => {
  it('a model without inputShape, built on its first fit, trains bit-identically to one with it', async () => {
    const { x, y } = data(90);
    const declared = mlp([12]);
    const deferred = mlp(undefined);
    expect(declared.built).toBe(true);
    expect(deferred.built).toBe(false);
    expect(deferred.getWeights()).toEqual([]);
    for (const m of [declared, deferred]) m.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const before = bits(declared);
    const h1 = await declared.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    const h2 = await deferred.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    expect(deferred.built).toBe(true);
    expect(deferred.inputShape).toEqual([12]);
    expect(h2.history).toEqual(h1.history);
    expect(bits(deferred)).toEqual(bits(declared));
    // Training moved the weights, so the comparison above is not of two untouched models.
    expect(bits(declared)[0]).not.toEqual(before[0]);
    declared.dispose();
    deferred.dispose();
  });

  it('model.build([null, ...shape]) gives the initial weights inputShape gives', () => {
    const declared = mlp([12], 99);
    const built = mlp(undefined, 99);
    built.build([null, 12]);
    expect(built.summary(() => undefined)).toMatch(/\(None, 32\)/);
    expect(bits(built)).toEqual(bits(declared));
    expect(() => built.build([null, 12])).not.toThrow(); // the same shape again: nothing to do
    expect(() => built.build([null, 13])).toThrow(/built for inputs of shape \[null, 12\], got \[null, 13\]/);
    declared.dispose();
    built.dispose();
  });

  it('predict and evaluate build the model too', () => {
    const { x, y } = data(8);
    const a = mlp(undefined);
    const p = a.predict(x);
    expect(p.shape).toEqual([8, 10]);
    const b = mlp(undefined);
    b.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect(b.evaluate(nn.tensor(x), y).loss).toBeGreaterThan(0);
    expect(b.inputShape).toEqual([12]);
    for (const m of [a, b]) m.dispose();
    p.dispose();
  });

  it('model.add without inputShape, as Keras code writes it', () => {
    const model = nn.sequential([], { seed: 1 });
    model.add(nn.layers.dense({ units: 4, activation: 'relu' }));
    model.add(nn.layers.dense({ units: 1, activation: 'sigmoid' }));
    expect(model.built).toBe(false);
    model.build([null, 3]);
    expect(model.countParams()).toEqual({ trainable: 3 * 4 + 4 + 4 + 1, nonTrainable: 0 });
    model.add(nn.layers.dense({ units: 2 })); // built as it is added, now that the model is
    expect(model.outputShape).toEqual([2]);
    model.dispose();
  });

  it('summary before the build shows ? and 0 (unbuilt) and says the model is not built yet', () => {
    const model = mlp(undefined);
    const text = model.summary(() => undefined);
    expect(text).toMatch(/│ dense\S* \(Dense\) +│ \? +│ +0 \(unbuilt\) │/);
    expect(text).toMatch(/Total params: 0 \(0\.00 B\)/);
    expect(text).toMatch(/The model is not built yet: .*model\.build\(\[null, \.\.\.inputShape\]\)/);
    model.build([null, 12]);
    expect(model.summary(() => undefined)).not.toMatch(/not built|unbuilt|\?/);
    model.dispose();
  });

  it('what needs the weights says the model is not built yet', () => {
    const model = mlp(undefined);
    expect(() => model.inputShape).toThrow(nn.ConfigError);
    expect(() => model.outputShape).toThrow(/outputShape: the model is not built yet/);
    expect(() => model.setWeights([])).toThrow(/setWeights: the model is not built yet/);
    model.dispose();
  });

  it('data that does not show a sample shape is refused with the way out', async () => {
    const model = mlp(undefined);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await expect(model.fit(new Float32Array(24), [0, 1], { verbose: 0 })).rejects.toThrow(nn.ShapeError);
    await expect(model.fit(new Float32Array(24), [0, 1], { verbose: 0 })).rejects.toThrow(/fit: the model is not built yet .* x of shape \[24\] does not show the shape of one sample.*model\.build/);
    expect(() => model.build([12])).toThrow(/batch dimension first, e.g. build\(\[null, 784\]\), got \[12\]/);
    expect(() => model.build([null, 0])).toThrow(nn.ShapeError);
    expect(model.built).toBe(false);
    model.dispose();
  });

  it('Pixels (flat bytes) do not show a sample shape either: refused until model.build, then trained', async () => {
    const model = mlp(undefined);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const x = { pixels: Uint8Array.from({ length: 4 * 12 }, (_, i) => (i * 37) % 256), scale: 1 / 255 };
    await expect(model.fit(x, [0, 1, 2, 3], { verbose: 0 })).rejects.toThrow(nn.ShapeError);
    await expect(model.fit(x, [0, 1, 2, 3], { verbose: 0 })).rejects.toThrow(/fit: the model is not built yet .* x Pixels \(48 flat bytes\) does not show the shape of one sample.*model\.build/);
    expect(() => model.predict(x)).toThrow(/predict: the model is not built yet/);
    expect(model.built).toBe(false);
    model.build([null, 12]);
    const history = await model.fit(x, [0, 1, 2, 3], { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
    const out = model.predict(x);
    expect(out.shape).toEqual([4, 10]);
    out.dispose();
    model.dispose();
  });

  it('a build that fails part way frees what it made and can be retried', () => {
    const start = nn.memoryStats().bytesInUse;
    // Dense(8) builds, then Dense(2²⁸) cannot: its kernel does not fit in 4 GiB.
    const tooBig = nn.sequential([nn.layers.dense({ units: 8 }), nn.layers.dense({ units: 2 ** 28 })], { seed: 1 });
    expect(() => tooBig.build([null, 20])).toThrow(nn.MemoryLimitError);
    expect(tooBig.layers.map((l) => l.built)).toEqual([false, false]);
    expect(nn.memoryStats().bytesInUse).toBe(start);
    tooBig.dispose();

    // A rank-2 sample reaches Dense, which wants [features]: refused before anything is made.
    const model = mlp(undefined, 5);
    expect(() => model.build([null, 3, 4])).toThrow(/expected a flat input of shape \[features\], got \[3, 4\]/);
    expect(nn.memoryStats().bytesInUse).toBe(start);
    // The later layer's declared inputShape disagrees: Dense(32) is built, then unbuilt.
    const mismatch = nn.sequential([nn.layers.dense({ units: 6 }), nn.layers.dense({ units: 2, inputShape: [5] })], { seed: 1 });
    expect(() => mismatch.build([null, 4])).toThrow(/inputShape \[5\] does not match the previous layer's output \[6\]/);
    expect(mismatch.layers[0].built).toBe(false);
    expect(nn.memoryStats().bytesInUse).toBe(start);
    mismatch.dispose();

    // After the failure, the same model builds with the right shape and the same weights.
    model.build([null, 12]);
    const reference = mlp([12], 5);
    expect(bits(model)).toEqual(bits(reference));
    model.dispose();
    reference.dispose();
    expect(nn.memoryStats().bytesInUse).toBe(start);
  });

  it('an unbuilt layer belongs to the model it was added to', () => {
    const layer = nn.layers.dense({ units: 3 });
    const a = nn.sequential([layer]);
    expect(() => nn.sequential([layer])).toThrow(/already belongs to another model/);
    a.build([null, 2]);
    expect(layer.built).toBe(true);
    a.dispose();
  });
});
