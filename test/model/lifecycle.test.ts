/**
 * A model's life and its memory: use after dispose, dispose during fit, layers and
 * optimizers that belong to one model, memory that returns to the byte after many models,
 * limits checked before anything is allocated, a non-finite step that is undone, and every
 * options object refusing a misspelt key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';
import { useBackend } from '../helpers/backends.js';

const { layers, optimizers } = nn;

function data(n: number, seed = 1): { x: number[][]; y: number[] } {
  const random = new Random(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: 5 }, () => random.normal()));
  return { x, y: x.map((r) => (r[0] + r[1] > 0 ? 1 : 0)) };
}

function model(seed = 7): nn.Sequential {
  const m = nn.sequential([
    layers.dense({ units: 8, activation: 'relu', inputShape: [5] }),
    layers.batchNormalization(),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 2, activation: 'softmax' }),
  ], { seed });
  m.compile({ optimizer: optimizers.adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const weightsOf = (m: nn.Sequential): number[][] => m.weights().map((w) => Array.from(w.value.data));

for (const backend of ['wasm', 'reference'] as const) {
  describe(`model lifecycle on ${backend}`, () => {
    const select = () => useBackend(backend, false);

    it('every use of a disposed model is a DisposedError naming it, and predict leaks nothing', async () => {
      await select();
      const { x, y } = data(20);
      const m = model();
      await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0 });
      m.dispose();
      const bytes = nn.memoryStats().bytesInUse;
      await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(nn.DisposedError);
      expect(() => m.evaluate(x, y)).toThrow(nn.DisposedError);
      expect(() => m.predict(x)).toThrow(/predict: the model 'sequential' was disposed/);
      expect(() => m.getWeights()).toThrow(nn.DisposedError);
      expect(() => m.setWeights([])).toThrow(nn.DisposedError);
      expect(() => m.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(nn.DisposedError);
      expect(() => m.add(layers.dense({ units: 2 }))).toThrow(nn.DisposedError);
      expect(nn.memoryStats().bytesInUse).toBe(bytes);
      m.dispose(); // twice is harmless
    });

    it('dispose() from inside a callback stops after that batch, then frees everything; another model is untouched', async () => {
      await select();
      const before = nn.memoryStats().bytesInUse;
      const { x, y } = data(40);
      const bystander = model(3);
      const bystanderWeights = weightsOf(bystander);
      const m = model();
      let batches = 0;
      const history = await m.fit(x, y, {
        epochs: 5, batchSize: 8, verbose: 0,
        callbacks: [{ onBatchEnd: (batch) => { batches++; if (batch === 1) m.dispose(); } }],
      });
      expect(batches).toBe(2);
      expect(history.epoch).toEqual([0]);
      expect(m.isDisposed).toBe(true);
      expect(weightsOf(bystander)).toEqual(bystanderWeights);
      bystander.dispose();
      expect(nn.memoryStats().bytesInUse).toBe(before);
    });

    it('dispose() without awaiting fit waits for the running batch', async () => {
      await select();
      const before = nn.memoryStats().bytesInUse;
      const { x, y } = data(40);
      const m = model();
      const running = m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
      m.dispose();
      const history = await running;
      expect(history.epoch.length).toBeLessThanOrEqual(1);
      expect(m.isDisposed).toBe(true);
      expect(nn.memoryStats().bytesInUse).toBe(before);
    });

    it('a layer or an optimizer in two models is refused; recompiling with the same optimizer keeps it', async () => {
      await select();
      const shared = layers.dense({ units: 2, inputShape: [5] });
      const a = nn.sequential([shared], { seed: 1 });
      const kernel = Array.from(shared.weights()[0].value.data);
      expect(() => nn.sequential([shared], { seed: 2 })).toThrow(/already belongs to another model/);
      expect(Array.from(shared.weights()[0].value.data)).toEqual(kernel); // not re-initialized
      const optimizer = optimizers.adam();
      a.compile({ optimizer, loss: 'mse' });
      a.compile({ optimizer, loss: 'mse' });
      const b = nn.sequential([layers.dense({ units: 2, inputShape: [5] })]);
      expect(() => b.compile({ optimizer, loss: 'mse' })).toThrow(/already compiled into another model/);
      a.dispose();
      b.compile({ optimizer, loss: 'mse' }); // freed with its model, it may serve another
      b.dispose();
    });

    it('a sequential() whose second layer fails frees the first', async () => {
      await select();
      const before = nn.memoryStats().bytesInUse;
      expect(() => nn.sequential([
        layers.dense({ units: 64, inputShape: [5] }),
        layers.dense({ units: 2e9 }),
      ])).toThrow(nn.MemoryLimitError);
      expect(nn.memoryStats().bytesInUse).toBe(before);
    });

    it('an oversized layer fails at once, with memory unchanged', async () => {
      await select();
      const before = nn.memoryStats();
      const start = performance.now();
      expect(() => nn.sequential([layers.dense({ units: 1e9, inputShape: [784] })])).toThrow(nn.MemoryLimitError);
      expect(() => nn.zeros([2 ** 31])).toThrow(/nothing was allocated/);
      expect(performance.now() - start).toBeLessThan(100);
      expect(nn.memoryStats()).toEqual(before);
    });

    it('200 create/compile/fit/dispose cycles and 100 recompiles return memory to the byte', async () => {
      await select();
      const { x, y } = data(12);
      const before = nn.memoryStats().bytesInUse;
      for (let i = 0; i < 200; i++) {
        const m = model(i);
        await m.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0 });
        m.dispose();
      }
      expect(nn.memoryStats().bytesInUse).toBe(before);
      const m = model();
      await m.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0 });
      const compiled = nn.memoryStats().bytesInUse;
      for (let i = 0; i < 100; i++) {
        m.compile({ optimizer: i % 2 ? optimizers.adam() : optimizers.sgd({ momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy' });
        await m.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0 });
      }
      m.compile({ optimizer: optimizers.adam(), loss: 'sparseCategoricalCrossentropy' });
      await m.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0 });
      expect(nn.memoryStats().bytesInUse).toBe(compiled);
      m.dispose();
      expect(nn.memoryStats().bytesInUse).toBe(before);
    });

    it('tidy disposes what it made except what it returns; model weights are never its to free', async () => {
      await select();
      const before = nn.memoryStats().bytesInUse;
      let inner: nn.Tensor | null = null;
      const m = model();
      const kept = nn.tidy(() => {
        inner = nn.tensor([1, 2, 3]);
        const p = m.predict(data(4).x);
        m.getWeights();
        return p;
      });
      expect(inner!.isDisposed).toBe(true);
      expect(kept.isDisposed).toBe(false);
      expect(kept.shape).toEqual([4, 2]);
      kept.dispose();
      const built = nn.tidy(() => model(2));
      expect(() => built.predict(data(2).x).dispose()).not.toThrow();
      m.dispose();
      built.dispose();
      expect(nn.memoryStats().bytesInUse).toBe(before);
    });

    it('a step that overflows is undone: weights, moving statistics, optimizer state, as after the last finite step', async () => {
      await select();
      const { x, y } = data(16);
      const m = model();
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.01, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy' });
      await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
      const weights = weightsOf(m);
      m.optimizer.learningRate = 1e300; // the next update overflows float32
      const error = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(nn.NonFiniteLossError);
      expect((error as Error).message).toMatch(/epoch 1, batch 1: the update made dense\w*\/\w+ non-finite/);
      expect(weightsOf(m)).toEqual(weights);
      expect(m.optimizer.iterations).toBe(2);
      m.dispose();
    });

    it('earlyStopping restores the best weights even when training ends in an error', async () => {
      await select();
      const { x, y } = data(16);
      const m = model();
      const stopper = nn.callbacks.earlyStopping({ monitor: 'loss', patience: 10, restoreBestWeights: true });
      let best: number[][] = [];
      const error = await m.fit(x, y, {
        epochs: 4, batchSize: 8, verbose: 0,
        callbacks: [stopper, {
          onEpochEnd: (epoch) => {
            if (epoch === 0) best = weightsOf(m);
            if (epoch === 1) m.optimizer.learningRate = 1e300;
          },
        }],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(nn.NonFiniteLossError);
      expect(stopper.bestEpoch).not.toBeNull();
      if (stopper.bestEpoch === 0) expect(weightsOf(m)).toEqual(best);
      for (const w of weightsOf(m)) expect(w.every(Number.isFinite)).toBe(true);
      m.dispose();
    });

    it('evaluate on NaN weights says so', async () => {
      await select();
      const { x, y } = data(8);
      const m = model();
      const w = m.weights()[0].value.data;
      w[0] = Number.NaN;
      expect(() => m.evaluate(x, y)).toThrow(/the weight dense\w*\/kernel holds NaN or ±Infinity/);
      m.dispose();
    });

    it('stopTraining set in onBatchEnd stops after that batch, and History records that epoch', async () => {
      await select();
      const { x, y } = data(40);
      const m = model();
      let batches = 0;
      const history = await m.fit(x, y, {
        epochs: 3, batchSize: 8, verbose: 0,
        callbacks: [{ onBatchEnd: () => { batches++; if (batches === 7) m.stopTraining = true; } }],
      });
      expect(batches).toBe(7); // 5 batches in epoch 0, 2 in epoch 1
      expect(history.epoch).toEqual([0, 1]);
      expect(history.stoppedEpoch).toBe(1);
      m.dispose();
    });
  });
}

describe('softmax cross-entropy on the reference backend is as stable as the kernel', () => {
  it('logits [1e30, 1e30, 1e30] give ln 3', async () => {
    for (const backend of ['reference', 'wasm'] as const) {
      await useBackend(backend, false);
      const m = nn.sequential([layers.activation({ activation: 'softmax', inputShape: [3] })]);
      m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      expect(m.evaluate([[1e30, 1e30, 1e30]], [1]).loss).toBeCloseTo(Math.log(3), 6);
      m.dispose();
    }
  });
});

describe('every options object refuses a misspelt key (property)', () => {
  /** Factories, each with a valid options object (the keys we misspell). */
  const factories: [string, (options: Record<string, unknown>) => unknown, Record<string, unknown>][] = [
    ['dense', (o) => layers.dense(o as never), { units: 3, activation: 'relu', useBias: true, kernelInitializer: 'heNormal', inputShape: [4], name: 'd' }],
    ['dropout', (o) => layers.dropout(o as never), { rate: 0.5, seed: 1, variant: 'inverted' }],
    ['batchNormalization', (o) => layers.batchNormalization(o as never), { momentum: 0.9, epsilon: 1e-3, center: true, scale: true }],
    ['activation', (o) => layers.activation(o as never), { activation: 'tanh' }],
    ['flatten', (o) => layers.flatten(o as never), { inputShape: [2, 2] }],
    ['compile', (o) => nn.sequential([layers.dense({ units: 2, inputShape: [2] })]).compile(o as never), { optimizer: 'sgd', loss: 'mse', metrics: ['accuracy'] }],
    ['fit', (o) => compiled().fit([[1, 2]], [[0, 1]], o), { epochs: 1, batchSize: 4, verbose: 0, shuffle: false, validationSplit: 0 }],
  ];

  function compiled(): nn.Sequential {
    const m = nn.sequential([layers.dense({ units: 2, inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  }

  /** A key that is not valid: a letter dropped, doubled or swapped, or the key snake_cased. */
  const misspell = (key: string, at: number, kind: number): string => {
    const i = at % key.length;
    switch (kind) {
      case 0: return key.slice(0, i) + key.slice(i + 1);
      case 1: return key.slice(0, i) + key[i] + key.slice(i);
      case 2: return `${key}x`;
      default: return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) + (/[A-Z]/.test(key) ? '' : '_');
    }
  };

  it('fit, compile and every layer factory throw ConfigError naming the key', async () => {
    await useBackend('wasm');
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: factories.length - 1 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 }),
      async (which, keyIndex, at, kind) => {
        const [, make, valid] = factories[which];
        const keys = Object.keys(valid);
        const key = keys[keyIndex % keys.length];
        const wrong = misspell(key, at, kind);
        fc.pre(!keys.includes(wrong) && wrong.length > 0);
        const options = { ...valid, [wrong]: valid[key] };
        delete options[key];
        const error = await Promise.resolve().then(() => make(options)).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(nn.ConfigError);
        expect((error as Error).message).toContain(`'${wrong}'`);
      },
    ), { seed: 8, numRuns: 150 });
  });
});
