// csvLogger: one row per epoch, header `epoch,<sorted keys>`, as Keras's CSVLogger writes it.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as nn from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmnn-csv-'));

beforeAll(async () => {
  await nn.setBackend('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x = [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]], y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];

async function train(callbacks: nn.Callback[], epochs = 3): Promise<nn.History> {
  const m = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })], { seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs, batchSize: 4, validationSplit: 0.2, verbose: 0, callbacks });
  m.dispose();
  return h;
}

const rows = (path: string): string[][] => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => line.split(','));

describe('csvLogger', () => {
  it('writes the header and one row per epoch with the values History holds', async () => {
    const path = join(dir, 'log.csv');
    const h = await train([nn.callbacks.csvLogger({ path })]);
    const [header, ...body] = rows(path);
    expect(header).toEqual(['epoch', 'accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(body.map((r) => r[0])).toEqual(['0', '1', '2']);
    body.forEach((r, e) => {
      for (const [j, key] of header.slice(1).entries()) expect(Number(r[j + 1])).toBe(h.history[key][e]); // written in full
    });
  });

  it('overwrites by default; append adds rows without a second header', async () => {
    const path = join(dir, 'append.csv');
    await train([nn.callbacks.csvLogger({ path })], 2);
    await train([nn.callbacks.csvLogger({ path })], 2);
    expect(rows(path)).toHaveLength(3);
    await train([nn.callbacks.csvLogger({ path, append: true })], 2);
    const all = rows(path);
    expect(all).toHaveLength(5);
    expect(all.filter((r) => r[0] === 'epoch')).toHaveLength(1);
    // Appending to a missing or empty file writes the header.
    const fresh = join(dir, 'fresh.csv');
    writeFileSync(fresh, '');
    await train([nn.callbacks.csvLogger({ path: fresh, append: true })], 1);
    expect(rows(fresh)[0][0]).toBe('epoch');
  });

  it('separator, NA for a key missing later, a warning for a key added later', async () => {
    const path = join(dir, 'sep.tsv');
    const script = nn.callbacks.lambda({
      onEpochEnd: (epoch, logs = {}) => {
        if (epoch === 1) delete logs.val_loss;
        if (epoch === 2) logs.extra = 1;
      },
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await train([script, nn.callbacks.csvLogger({ path, separator: '\t' })]);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
    expect(lines[0]).toEqual(['epoch', 'accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(lines[2][4]).toBe('NA');
    expect(lines[3]).toHaveLength(5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/extra first logged after epoch 0/);
    warn.mockRestore();
  });

  it('options are checked', () => {
    expect(() => nn.callbacks.csvLogger({} as never)).toThrow(/'path' is required/);
    expect(() => nn.callbacks.csvLogger({ filename: 'a.csv' } as never)).toThrow(nn.ConfigError);
    expect(() => nn.callbacks.csvLogger({ path: 'a.csv', separator: '"' })).toThrow(/separator must be/);
    expect(() => nn.callbacks.csvLogger({ path: 'a.csv', append: 'yes' } as never)).toThrow(/append must be a boolean/);
  });
});
