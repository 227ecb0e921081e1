// History as Keras has it (history, epoch, params), printed as a summary; lambda callbacks.

import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

beforeAll(async () => {
  await nn.setBackend('wasm');
});

const x = [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]], y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];

function model(): nn.Sequential {
  const m = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })], { seed: 1 });
  m.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('History', () => {
  it('holds history, epoch and params as Keras does', async () => {
    const m = model();
    const h = await m.fit(x, y, { epochs: 5, initialEpoch: 2, batchSize: 4, validationSplit: 0.2, verbose: 0 });
    expect(h.epoch).toEqual([2, 3, 4]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const values of Object.values(h.history)) expect(values).toHaveLength(3);
    expect(h.params).toEqual({ epochs: 5, initialEpoch: 2, batchSize: 4, samples: 8, steps: 2, validationSamples: 2, verbose: 0 });
    m.dispose();
  });

  it('prints a summary: epochs, data, and each metric from first to last with its best epoch', async () => {
    const m = model();
    const h = await m.fit(x, y, { epochs: 3, batchSize: 4, validationSplit: 0.2, verbose: 0 });
    const text = String(h);
    const lines = text.split('\n');
    expect(lines[0]).toBe('History: 3 epochs (1–3), 8 samples in 2 batches of 4, 2 validation samples');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    const loss = h.history.loss;
    const best = loss.indexOf(Math.min(...loss));
    expect(lines[2]).toBe(`  loss          ${loss[0].toFixed(4)} → ${loss[2].toFixed(4)}   best ${loss[best].toFixed(4)} at epoch ${best + 1}`);
    // Node's console.log and util.inspect show the same text, not the object's fields.
    expect(inspect(h)).toBe(text);
    expect(inspect({ h })).toContain('History: 3 epochs');
    m.dispose();
  });

  it('the best of an accuracy is its largest value; an early stop is shown', async () => {
    const h = new nn.History();
    h.onEpochEnd(0, { accuracy: 0.5, loss: 1 });
    h.onEpochEnd(1, { accuracy: 0.7, loss: 0.8 });
    h.onEpochEnd(2, { accuracy: 0.6, loss: 0.9 });
    h.stoppedEpoch = 2;
    expect(String(h).split('\n')).toEqual([
      'History: 3 epochs (1–3)',
      '  accuracy  0.5000 → 0.6000   best 0.7000 at epoch 2',
      '  loss      1.0000 → 0.9000   best 0.8000 at epoch 2',
      '  stopped early at epoch 3',
    ]);
    expect(String(new nn.History())).toBe('History: no epochs recorded');
  });
});

describe('lambda callbacks', () => {
  it('calls the hooks it is given, with epoch and logs', async () => {
    const seen: string[] = [];
    const callback = nn.callbacks.lambda({
      onTrainBegin: () => void seen.push('begin'),
      onEpochEnd: (epoch, logs) => void seen.push(`epoch ${epoch} ${Object.keys(logs ?? {}).sort().join(',')}`),
      onTrainEnd: () => void seen.push('end'),
    });
    const m = model();
    await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: callback });
    expect(seen).toEqual(['begin', 'epoch 0 accuracy,loss', 'epoch 1 accuracy,loss', 'end']);
    m.dispose();
  });

  it('a bare function is refused with a pointer to lambda; lambda checks its hooks', async () => {
    const m = model();
    const fn = (): void => undefined;
    await expect(m.fit(x, y, { verbose: 0, callbacks: [fn as never] })).rejects.toThrow(nn.ConfigError);
    await expect(m.fit(x, y, { verbose: 0, callbacks: [fn as never] })).rejects.toThrow(/callbacks\[0\] is a function.*nn\.callbacks\.lambda\(\{ onEpochEnd: fn \}\)/);
    expect(() => nn.callbacks.lambda(fn as never)).toThrow(/lambda: hooks are passed by name, as in lambda\(\{ onEpochEnd/);
    expect(() => nn.callbacks.lambda({ on_epoch_end: fn } as never)).toThrow(/use 'onEpochEnd'/);
    expect(() => nn.callbacks.lambda({ onEpochEnd: 3 } as never)).toThrow(/onEpochEnd must be a function/);
    m.dispose();
  });
});
