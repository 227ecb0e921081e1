import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { setBackend } from '../../src/backend/backend.js';
import { ConfigError, ValueError } from '../../src/errors.js';
import { Random } from '../../src/random.js';
import { crossValidate } from '../../src/model/crossval.js';
import { toCategorical } from '../../src/data/index.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** Two Gaussian blobs in 2-D, centred at (-1.5, -1.5) and (1.5, 1.5) with unit variance, sorted by class. */
function blobs(perClass: number, seed: number): { x: number[][]; y: number[] } {
  const random = new Random(seed);
  const x: number[][] = [], y: number[] = [];
  for (const [c, centre] of [[0, -1.5], [1, 1.5]]) {
    for (let i = 0; i < perClass; i++) {
      x.push([random.normal(centre, 1), random.normal(centre, 1)]);
      y.push(c);
    }
  }
  return { x, y };
}

const FIT = { epochs: 8, batchSize: 8, verbose: 0 } as const;

function softmaxModel(fold: number, loss = 'sparseCategoricalCrossentropy'): nn.Sequential {
  const model = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })], { seed: 100 + fold });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.05 }), loss, metrics: ['accuracy'] });
  return model;
}

/** Population mean and std (÷k), computed here independently of the library. */
function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.map((v) => (v - mean) ** 2).reduce((a, b) => a + b, 0) / values.length) };
}

describe('crossValidate', () => {
  it('3 folds of 60 blob samples: fresh model per fold, mean/std from the folds, accuracy well above chance', async () => {
    const { x, y } = blobs(30, 3);
    const xBefore = structuredClone(x), yBefore = [...y];
    const built: number[] = [];
    const result = await crossValidate((fold) => {
      built.push(fold);
      return softmaxModel(fold);
    }, x, y, { k: 3, seed: 1, fit: FIT });

    expect(built).toEqual([0, 1, 2]);
    expect(result.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
    expect(result.folds.map((f) => [f.trainSize, f.testSize])).toEqual([[40, 20], [40, 20], [40, 20]]);
    for (const fold of result.folds) {
      expect(fold.history.history.loss).toHaveLength(FIT.epochs);
      expect(fold.metrics).toEqual({ loss: fold.loss, accuracy: fold.accuracy });
      // accuracy on 20 held-out samples is a multiple of 1/20
      expect(Math.abs(fold.accuracy! * 20 - Math.round(fold.accuracy! * 20))).toBeLessThan(1e-9);
    }
    const loss = meanStd(result.folds.map((f) => f.loss));
    const accuracy = meanStd(result.folds.map((f) => f.accuracy!));
    expect(result.mean.loss).toBeCloseTo(loss.mean, 12);
    expect(result.std.loss).toBeCloseTo(loss.std, 12);
    expect(result.mean.accuracy).toBeCloseTo(accuracy.mean, 12);
    expect(result.std.accuracy).toBeCloseTo(accuracy.std, 12);
    expect(result.std.loss).toBeGreaterThan(0); // the folds differ, so a std of 0 would be a bug
    expect(result.mean.accuracy, `mean accuracy ${result.mean.accuracy}`).toBeGreaterThan(0.85);
    expect(result.mean.loss).toBeLessThan(Math.log(2)); // better than the uniform guess
    expect(x).toEqual(xBefore);
    expect(y).toEqual(yBefore);
  });

  it('same seed, same folds and scores; stratified one-hot Tensors work and all memory comes back', async () => {
    const { x, y } = blobs(30, 4);
    const flat = Float32Array.from(x.flat());
    const a = await crossValidate(softmaxModel, flat, Int32Array.from(y), { k: 3, seed: 2, fit: FIT });
    const b = await crossValidate(softmaxModel, flat, Int32Array.from(y), { k: 3, seed: 2, fit: FIT });
    expect(b.folds.map((f) => f.loss)).toEqual(a.folds.map((f) => f.loss));

    const xTensor = nn.tensor(x);
    const yOneHot = toCategorical(y);
    const before = nn.memoryStats();
    const stratified = await crossValidate((fold) => softmaxModel(fold, 'categoricalCrossentropy'), xTensor, yOneHot, {
      k: 3, seed: 2, stratify: true, fit: FIT, evaluateBatchSize: 7,
    });
    const after = nn.memoryStats();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveAllocations).toBe(before.liveAllocations);
    expect(stratified.folds).toHaveLength(3);
    expect(stratified.mean.accuracy).toBeGreaterThan(0.85);
    xTensor.dispose();
    yOneHot.dispose();
  });

  it('disposes the model when fit throws, and rejects bad arguments with typed errors', async () => {
    const { x, y } = blobs(6, 5);
    const badLabels = y.map((c, i) => (i === 3 ? 7 : c)); // 7 is out of range for 2 units
    const before = nn.memoryStats();
    await expect(crossValidate(softmaxModel, x, badLabels, { k: 3, fit: FIT })).rejects.toThrow(ValueError);
    expect(nn.memoryStats().bytesInUse).toBe(before.bytesInUse);

    const shared = softmaxModel(0);
    const reused = await crossValidate(() => shared, x, y, { k: 2, fit: FIT }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(ConfigError);
    expect((reused as Error).message).toMatch(/buildModel\(1\) returned a model it returned before/);
    await expect(crossValidate('model' as never, x, y)).rejects.toThrow(ConfigError);
    await expect(crossValidate(softmaxModel, x, y, { k: 13 })).rejects.toThrow(/k must be an integer in \[2, n = 12\], got 13/);
    await expect(crossValidate(softmaxModel, x, y.slice(1))).rejects.toThrow(/x has 12 samples but y has 11/);
  });
});
