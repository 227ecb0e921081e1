// nn.callbacks.modelCheckpoint: what it writes and when (every epoch, or only improvements
// of the monitored quantity), and that a write interrupted at any step leaves the previous
// checkpoint loadable (the SIGKILL test is test/io/crash.test.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';

let root: string;
beforeAll(async () => {
  await nn.setBackend('wasm', { relaxed: false });
  root = await mkdtemp(join(tmpdir(), 'wasmnn-checkpoint-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function model(): nn.Sequential {
  const m = nn.sequential([
    nn.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
    nn.layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 8 });
  m.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const random = new Random(4);
const x = Array.from({ length: 48 }, () => Array.from({ length: 4 }, () => random.normal()));
const y = x.map((row) => (row[0] > 0 ? 1 : 0) + (row[1] > 0.5 ? 1 : 0));
const vx = x.slice(0, 12).map((row) => row.map((v) => v + 0.3 * random.normal()));
const vy = y.slice(0, 12);

/** A callback that keeps a copy of the weights after every epoch. */
function snapshots(m: nn.Sequential): { weights: Float32Array[][]; callback: nn.Callback } {
  const weights: Float32Array[][] = [];
  return { weights, callback: { onEpochEnd: () => { weights.push(m.getWeights().map((t) => Float32Array.from(t.data))); } } };
}

const epochOf = async (dir: string): Promise<number> => JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.wasmnn.epoch;
const weightsOf = (m: nn.Sequential): Float32Array[] => m.getWeights().map((t) => Float32Array.from(t.data));

describe('modelCheckpoint', () => {
  it('writes after every epoch, alternating two weight files under one model.json', async () => {
    const dir = join(root, 'every');
    const m = model();
    const snaps = snapshots(m);
    const checkpoint = nn.callbacks.modelCheckpoint({ path: dir });
    await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [snaps.callback, checkpoint] });
    expect(checkpoint.lastSavedEpoch).toBe(2);
    expect(await epochOf(dir)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights-a.bin', 'weights-b.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights-a.bin']); // epochs 0, 1, 2 → a, b, a
    const loaded = await nn.loadModel(dir);
    expect(weightsOf(loaded)).toEqual(snaps.weights[2]);
    // the other file still holds epoch 1, untouched
    const previous = new Float32Array((await readFile(join(dir, 'weights-b.bin'))).buffer.slice(0));
    expect(previous.subarray(0, 32)).toEqual(snaps.weights[1][0]);
  });

  it("saveBestOnly keeps the epoch with the lowest val_loss (mode 'min'), or highest val_accuracy ('max')", async () => {
    for (const [monitor, pick] of [['val_loss', Math.min], ['val_accuracy', Math.max]] as const) {
      const dir = join(root, `best-${monitor}`);
      const m = model();
      const snaps = snapshots(m);
      const history = await m.fit(x, y, {
        epochs: 8, batchSize: 8, verbose: 0, validationData: [vx, vy],
        callbacks: [snaps.callback, nn.callbacks.modelCheckpoint({ path: dir, monitor, saveBestOnly: true })],
      });
      const values = history.history[monitor];
      const best = values.indexOf(pick(...values)); // the first epoch reaching the best value
      if (monitor === 'val_accuracy') expect(best).toBeLessThan(values.length - 1); // not simply the last epoch
      expect(await epochOf(dir)).toBe(best);
      expect(weightsOf(await nn.loadModel(dir))).toEqual(snaps.weights[best]);
    }
  });

  it('warns and writes nothing when the monitored quantity is not logged', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dir = join(root, 'unlogged');
    await model().fit(x, y, { epochs: 2, verbose: 0, callbacks: [nn.callbacks.modelCheckpoint({ path: dir, saveBestOnly: true })] });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/'val_loss' is not logged/));
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
    warn.mockRestore();
  });

  it('a write interrupted at any step leaves the previous checkpoint loadable', async () => {
    const dir = join(root, 'interrupted');
    const m = model();
    await m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [nn.callbacks.modelCheckpoint({ path: dir })] });
    const saved = weightsOf(m);
    // What a kill during the next write can leave: the other weights file half written,
    // and a half-written model.json.tmp (the rename, the commit, not yet done).
    const half = new Uint8Array(100).fill(7);
    await writeFile(join(dir, 'weights-b.bin'), half);
    expect(weightsOf(await nn.loadModel(dir))).toEqual(saved);
    await writeFile(join(dir, 'model.json.tmp'), '{"modelTopology": {"keras_');
    expect(weightsOf(await nn.loadModel(dir))).toEqual(saved);
    // and the next write completes over the debris
    await m.fit(x, y, { epochs: 2, initialEpoch: 1, verbose: 0, callbacks: [nn.callbacks.modelCheckpoint({ path: dir })] });
    expect(await epochOf(dir)).toBe(1);
    expect(weightsOf(await nn.loadModel(dir))).toEqual(weightsOf(m));
    expect(await readdir(dir)).not.toContain('model.json.tmp');
  });

  it('rejects a missing path', () => {
    expect(() => nn.callbacks.modelCheckpoint({} as nn.callbacks.ModelCheckpointArgs)).toThrow(/'path' \(a directory\) is required/);
  });
});
