import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { callbacks } from '../../src/index.js';

beforeAll(async () => {
  await nn.setBackend('wasm');
});

const x = [[0], [1], [2], [3]], y = [0, 1, 0, 1];

function model(): nn.Sequential {
  const m = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })], { seed: 1 });
  m.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** A callback that overwrites a logged value with a scripted sequence (runs before the others). */
function script(key: string, values: number[]): nn.Callback {
  return {
    onEpochEnd: (epoch, logs = {}) => {
      logs[key] = values[epoch];
    },
  };
}

/** Records a copy of the weights at the end of every epoch. */
function recorder(m: nn.Sequential): { epochs: number[][][]; callback: nn.Callback } {
  const epochs: number[][][] = [];
  return { epochs, callback: { onEpochEnd: () => void epochs.push(m.weights().map((w) => Array.from(w.value.data))) } };
}

const current = (m: nn.Sequential): number[][] => m.weights().map((w) => Array.from(w.value.data));

describe('earlyStopping (Keras semantics)', () => {
  it('stops after `patience` epochs without improvement and records stopped and best epochs', async () => {
    const m = model();
    const es = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 });
    const h = await m.fit(x, y, { epochs: 20, verbose: 0, callbacks: [script('val_loss', [1, 0.9, 0.95, 0.96, 0.8, 0.7]), es] });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(h.stoppedEpoch).toBe(3);
    expect(h.bestEpoch).toBe(1);
  });

  it('minDelta: a smaller change does not count as an improvement', async () => {
    const es = callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 0.05 });
    const h = await model().fit(x, y, { epochs: 10, verbose: 0, callbacks: [script('val_loss', [1, 0.99, 0.98, 0.9])] .concat([es]) });
    expect(h.epoch).toEqual([0, 1]);
    expect(es.bestEpoch).toBe(0);
  });

  it("mode 'auto' maximises accuracies", async () => {
    const es = callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 1 });
    const h = await model().fit(x, y, { epochs: 10, verbose: 0, callbacks: [script('val_accuracy', [0.5, 0.6, 0.7, 0.65, 0.9])].concat([es]) });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.bestEpoch).toBe(2);
  });

  it('baseline: the wait only resets when the value also beats the baseline', async () => {
    const es = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, baseline: 0.3 });
    const h = await model().fit(x, y, { epochs: 10, verbose: 0, callbacks: [script('val_loss', [0.5, 0.6, 0.7, 0.8])].concat([es]) });
    expect(h.epoch).toEqual([0, 1]);
  });

  it('restoreBestWeights restores the best epoch when it stops early', async () => {
    const m = model();
    const rec = recorder(m);
    const es = callbacks.earlyStopping({ patience: 2, restoreBestWeights: true });
    await m.fit(x, y, { epochs: 20, verbose: 0, callbacks: [script('val_loss', [1, 0.5, 0.7, 0.8, 0.9]), rec.callback, es] });
    expect(rec.epochs).toHaveLength(4);
    expect(current(m)).toEqual(rec.epochs[1]);
    expect(current(m)).not.toEqual(rec.epochs[3]);
  });

  it('restoreBestWeights also restores when training runs out of epochs', async () => {
    const m = model();
    const rec = recorder(m);
    const es = callbacks.earlyStopping({ patience: 10, restoreBestWeights: true });
    await m.fit(x, y, { epochs: 4, verbose: 0, callbacks: [script('val_loss', [1, 0.2, 0.5, 0.6]), rec.callback, es] });
    expect(es.stoppedEpoch).toBeNull();
    expect(current(m)).toEqual(rec.epochs[1]);
  });

  it('works on real validation loss with validationSplit', async () => {
    const es = callbacks.earlyStopping({ patience: 0 });
    const h = await model().fit(x, y, { epochs: 50, verbose: 0, validationSplit: 0.25, callbacks: [es] });
    expect(h.history.val_loss.length).toBe(h.epoch.length);
  });

  it('rejects invalid arguments', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(nn.ValueError);
    expect(() => callbacks.earlyStopping({ minDelta: -0.1 })).toThrow(/minDelta must be ≥ 0, got -0.1/);
    expect(() => callbacks.earlyStopping({ mode: 'up' as 'min' })).toThrow(/mode must be/);
  });
});

describe('reduceLROnPlateau', () => {
  it('multiplies the learning rate by factor after patience epochs without improvement', async () => {
    const m = model();
    const cb = callbacks.reduceLROnPlateau({ patience: 2, factor: 0.5, minLr: 0.02 });
    const h = await m.fit(x, y, { epochs: 8, verbose: 0, callbacks: [script('val_loss', [1, 1, 1, 1, 1, 1, 1, 1]), cb] });
    // logged before any reduction of that epoch: 0.1 0.1 0.1 | 0.05 0.05 | 0.025 0.025 | 0.02
    expect(h.history.learning_rate.map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02]);
    expect(m.optimizer.learningRate).toBeCloseTo(0.02, 10);
  });
  it('cooldown delays the next reduction', async () => {
    const m = model();
    const cb = callbacks.reduceLROnPlateau({ patience: 1, factor: 0.5, cooldown: 2 });
    const h = await m.fit(x, y, { epochs: 6, verbose: 0, callbacks: [script('val_loss', [1, 1, 1, 1, 1, 1]), cb] });
    expect(h.history.learning_rate.map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });
  it('rejects factor ≥ 1', () => {
    expect(() => callbacks.reduceLROnPlateau({ factor: 1 })).toThrow(/factor must be in \(0, 1\), got 1/);
  });
});

describe('learningRateScheduler', () => {
  it('sets the rate each epoch and logs it', async () => {
    const m = model();
    const h = await m.fit(x, y, { epochs: 4, verbose: 0, callbacks: [callbacks.learningRateScheduler({ schedule: (epoch) => 0.1 / (epoch + 1) })] });
    expect(h.history.learning_rate).toEqual([0.1, 0.05, 0.1 / 3, 0.025]);
  });
  it('rejects a schedule returning a bad value', async () => {
    await expect(model().fit(x, y, { epochs: 2, verbose: 0, callbacks: [callbacks.learningRateScheduler({ schedule: () => NaN })] })).rejects.toThrow(/returned NaN at epoch 0/);
  });
});
