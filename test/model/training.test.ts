import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';
import { useBackend, useFloat64Reference } from '../helpers/backends.js';
import { gradientError, numericGradient, scaleGradient } from '../helpers/gradcheck.js';

/** n points of a 2-D spiral with `classes` arms (the classic CS231n data set). */
function spiral(n: number, classes: number, seed: number): { x: number[][]; y: number[] } {
  const random = new Random(seed);
  const x: number[][] = [], y: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < n; i++) {
      const r = i / n;
      const theta = (c * 4 * Math.PI) / classes + r * 4 + random.normal(0, 0.2);
      x.push([r * Math.sin(theta), r * Math.cos(theta)]);
      y.push(c);
    }
  }
  return { x, y };
}

function allWeights(model: nn.Sequential): number[][] {
  return model.getWeights().map((t) => {
    const values = Array.from(t.data);
    t.dispose();
    return values;
  });
}

describe('end-to-end gradient of a 3-layer model (float64 reference)', () => {
  type Case = { output: 'softmax' | 'sigmoid' | 'linear'; loss: string; targets: number[] | number[][]; penalties?: boolean };
  const cases: Case[] = [
    { output: 'softmax', loss: 'sparseCategoricalCrossentropy', targets: [0, 2, 1, 2, 0] },
    { output: 'softmax', loss: 'categoricalCrossentropy', targets: [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0]] },
    { output: 'sigmoid', loss: 'binaryCrossentropy', targets: [[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 1, 1]] },
    { output: 'linear', loss: 'meanSquaredError', targets: [[1, -2, 0.5], [0, 3, 1], [2, 1, 0], [0, 1, -1], [1, 1, 1]] },
    { output: 'softmax', loss: 'meanSquaredError', targets: [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]] },
    // L2 on the first kernel, L1 on the second, L1+L2 on the last bias: penalties are in the loss
    { output: 'softmax', loss: 'sparseCategoricalCrossentropy', targets: [0, 2, 1, 2, 0], penalties: true },
  ];

  /**
   * One SGD step with learning rate 1 and no momentum moves every weight by exactly -∂J/∂w,
   * so the gradient fit computes is (w before - w after). It must match central differences
   * of J = evaluate(x, y).loss, which runs the same layers in inference mode.
   */
  async function modelGradientError(c: Case, perturb?: (g: number[]) => void): Promise<number> {
    await useFloat64Reference();
    const random = new Random(9);
    const x = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => random.uniform(-1, 1)));
    const r = nn.regularizers;
    const model = nn.sequential([
      nn.layers.dense({ units: 6, activation: 'tanh', inputShape: [4], kernelRegularizer: c.penalties ? r.l2(0.05) : null }),
      nn.layers.dense({ units: 5, activation: 'sigmoid', kernelRegularizer: c.penalties ? r.l1(0.03) : null }),
      nn.layers.dense({ units: 3, activation: c.output, biasRegularizer: c.penalties ? r.l1l2({ l1: 0.02, l2: 0.04 }) : null }),
    ], { seed: 4 });
    model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 1 }), loss: c.loss });
    const before = allWeights(model);
    const loss = (): number => model.evaluate(x, c.targets, { batchSize: 5 }).loss;
    const numeric = model.weights().map((w) => Array.from(numericGradient(loss, w.value.data)));
    await model.fit(x, c.targets, { epochs: 1, batchSize: 5, shuffle: false, verbose: 0 });
    const after = allWeights(model);
    const analytic = before.map((w, i) => w.map((v, j) => v - after[i][j]));
    perturb?.(analytic[2]);
    return Math.max(...analytic.map((g, i) => gradientError(g, numeric[i])));
  }

  for (const c of cases) {
    it(`${c.output} output with ${c.loss}${c.penalties ? ' and L1/L2 penalties' : ''} matches central differences`, async () => {
      expect(await modelGradientError(c)).toBeLessThan(1e-6);
    });
  }
  it('a deliberately perturbed gradient is rejected', async () => {
    // the second layer's kernel gradient with its sign flipped, then scaled by 2
    expect(await modelGradientError(cases[0], (g) => scaleGradient(g, -1))).toBeGreaterThan(1e-3);
    expect(await modelGradientError(cases[0], (g) => scaleGradient(g, 2))).toBeGreaterThan(1e-3);
  });
});

describe('reproducibility', () => {
  async function trainOnce(backend: 'wasm' | 'reference', relaxed = false): Promise<number[][]> {
    await useBackend(backend, relaxed);
    const { x, y } = spiral(40, 3, 1);
    const model = nn.sequential([
      nn.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ], { seed: 123 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    const w = allWeights(model);
    model.dispose();
    return w;
  }

  it('same seed and backend twice gives bit-identical weights', async () => {
    expect(await trainOnce('wasm')).toEqual(await trainOnce('wasm'));
    expect(await trainOnce('reference')).toEqual(await trainOnce('reference'));
  });

  it('wasm and reference train to the same weights within 1e-4 (float32 rounding only)', async () => {
    const a = await trainOnce('wasm'), b = await trainOnce('reference');
    const worst = Math.max(...a.flatMap((w, i) => w.map((v, j) => Math.abs(v - b[i][j]))));
    expect(worst).toBeLessThan(1e-4);
  });

  it('different seeds give different weights', async () => {
    await useBackend('wasm');
    const a = nn.sequential([nn.layers.dense({ units: 3, inputShape: [2] })], { seed: 1 });
    const b = nn.sequential([nn.layers.dense({ units: 3, inputShape: [2] })], { seed: 2 });
    expect(allWeights(a)).not.toEqual(allWeights(b));
  });
});

describe('memory', () => {
  it('a training step allocates nothing after the first batch (stats flat over epochs)', async () => {
    await useBackend('wasm');
    const { x, y } = spiral(50, 3, 2);
    const model = nn.sequential([
      nn.layers.dense({ units: 32, activation: 'relu', inputShape: [2] }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ], { seed: 5 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const seen: string[] = [];
    // 150 samples in batches of 32: the last batch (22) is short.
    await model.fit(x, y, {
      epochs: 3, batchSize: 32, verbose: 0, validationSplit: 0.1,
      callbacks: [{ onBatchEnd: () => void seen.push(JSON.stringify(nn.memoryStats())) }],
    });
    expect(seen.length).toBe(15);
    expect(new Set(seen.slice(0)).size).toBe(1);
    const before = nn.memoryStats().bytesInUse;
    model.dispose();
    expect(nn.memoryStats().bytesInUse).toBeLessThan(before);
  });
});

describe('learning', () => {
  it('XOR reaches 100% training accuracy', async () => {
    await useBackend('wasm');
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
    const model = nn.sequential([
      nn.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
      nn.layers.dense({ units: 1, activation: 'sigmoid' }),
    ], { seed: 3 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    expect(model.evaluate(x, y).accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('a 2-D spiral reaches ≥ 97% training accuracy', async () => {
    await useBackend('wasm');
    const { x, y } = spiral(100, 3, 0);
    const model = nn.sequential([
      nn.layers.dense({ units: 64, activation: 'relu', inputShape: [2] }),
      nn.layers.dense({ units: 64, activation: 'relu' }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ], { seed: 1 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 150, batchSize: 32, verbose: 0 });
    const accuracy = model.evaluate(x, y).accuracy;
    expect(accuracy, `spiral accuracy ${accuracy}`).toBeGreaterThanOrEqual(0.97);
    expect(history.history.loss[149]).toBeLessThan(history.history.loss[0]);
  });
});

describe('fit semantics', () => {
  it('validationSplit takes the last fraction before shuffling, and History records val metrics', async () => {
    await useBackend('wasm');
    const x = Array.from({ length: 10 }, (_, i) => [i]);
    // the last 3 samples (labels 1) are the validation set: a model can only get them right
    // or wrong together, so val_accuracy is 0 or 1.
    const y = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    const model = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, validationSplit: 0.3 });
    expect(h.params?.samples).toBe(7);
    expect(h.params?.validationSamples).toBe(3);
    expect(h.history.val_loss).toHaveLength(2);
    expect(h.history.val_accuracy).toHaveLength(2);
    expect(h.epoch).toEqual([0, 1]);
  });

  it('calls callbacks in order, with initialEpoch', async () => {
    await useBackend('wasm');
    const model = nn.sequential([nn.layers.dense({ units: 1, inputShape: [1] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const events: string[] = [];
    await model.fit([[1], [2], [3]], [1, 2, 3], {
      epochs: 3, initialEpoch: 1, batchSize: 2, verbose: 0,
      callbacks: {
        onTrainBegin: () => void events.push('train'),
        onEpochBegin: (e) => void events.push(`epoch${e}`),
        onBatchEnd: (b) => void events.push(`batch${b}`),
        onEpochEnd: async (e, logs) => void events.push(`end${e}:${typeof logs?.loss}`),
        onTrainEnd: () => void events.push('done'),
      },
    });
    expect(events).toEqual(['train', 'epoch1', 'batch0', 'batch1', 'end1:number', 'epoch2', 'batch0', 'batch1', 'end2:number', 'done']);
  });

  it('the learning rate can be changed during training', async () => {
    await useBackend('wasm');
    const model = nn.sequential([nn.layers.dense({ units: 1, inputShape: [1] })], { seed: 1 });
    model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const before = allWeights(model);
    await model.fit([[1]], [1], { epochs: 1, verbose: 0, callbacks: { onTrainBegin: () => { model.optimizer.learningRate = 0; } } });
    expect(allWeights(model)).toEqual(before);
  });

  it('stops on a non-finite loss and keeps the last finite weights', async () => {
    await useBackend('wasm');
    const model = nn.sequential([
      nn.layers.dense({ units: 8, activation: 'relu', inputShape: [1] }),
      nn.layers.dense({ units: 1 }),
    ], { seed: 1 });
    model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 1e6 }), loss: 'mse' });
    const x = Array.from({ length: 64 }, (_, i) => [i]), y = x.map(([v]) => v * 1000);
    let error: unknown;
    try {
      await model.fit(x, y, { epochs: 50, batchSize: 8, verbose: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(nn.NonFiniteLossError);
    expect(String((error as Error).message)).toMatch(/training stopped at epoch \d+, batch \d+/);
    for (const w of allWeights(model)) for (const v of w) expect(Number.isFinite(v)).toBe(true);
    // The error carries the interrupted fit's History, typed: the epochs that completed, and why it stopped.
    const history: nn.InterruptedHistory | undefined = (error as nn.NonFiniteLossError).history;
    expect(history?.stopReason).toBe((error as Error).message);
    expect(history?.epoch.length).toBe(history?.history.loss?.length ?? 0);
    expect(history?.stoppedEpoch).toBe(history?.epoch.length);
  });
});

describe('predict, evaluate, weights, summary', () => {
  it('predict returns [n, units] probabilities; evaluate returns { loss, accuracy }', async () => {
    await useBackend('wasm');
    const model = nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const p = model.predict([[1, 2], [3, 4], [5, 6]], { batchSize: 2 });
    expect(p.shape).toEqual([3, 3]);
    for (let i = 0; i < 3; i++) expect(p.data[i * 3] + p.data[i * 3 + 1] + p.data[i * 3 + 2]).toBeCloseTo(1, 5);
    const r = model.evaluate([[1, 2], [3, 4]], [0, 1]);
    expect(Object.keys(r).sort()).toEqual(['accuracy', 'loss']);
  });

  it('getWeights/setWeights round-trip in Keras order and check shapes', async () => {
    await useBackend('wasm');
    const model = nn.sequential([
      nn.layers.dense({ units: 3, inputShape: [2] }),
      nn.layers.dense({ units: 1 }),
    ], { seed: 1 });
    const ws = model.getWeights();
    expect(ws.map((w) => w.shape)).toEqual([[2, 3], [3], [3, 1], [1]]);
    model.setWeights([new Float32Array(6).fill(1), new Float32Array(3), nn.tensor([[2], [2], [2]]), new Float32Array([0.5])]);
    expect(model.predict([[1, 1]]).data[0]).toBeCloseTo(12.5, 5);
    expect(() => model.setWeights([new Float32Array(5)])).toThrow(nn.ShapeError);
    expect(() => model.setWeights([new Float32Array(5), new Float32Array(3), new Float32Array(3), new Float32Array(1)])).toThrow(/dense\S*\/kernel expects 6 values \(shape \[2, 3\]\), got 5/);
  });

  it('summary lists layers, output shapes and parameter counts', async () => {
    await useBackend('wasm');
    const model = nn.sequential([
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units: 128, activation: 'relu' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ], { seed: 1 });
    const text = model.summary(() => undefined);
    expect(text).toMatch(/\(None, 784\)/);
    expect(text).toMatch(/100,480/);
    expect(text).toMatch(/Total params: 101,770/);
  });
});
