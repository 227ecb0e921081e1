// Resuming training exactly: 6 epochs straight, against 3 epochs, a save with the optimizer,
// a load into a fresh model and 3 more epochs. With dropout and batch normalization in the
// model, every weight (moving statistics included) and every logged loss must be the same,
// bit for bit, on the plain-SIMD build and on the reference backend, for each optimizer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasmnn-resume-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const random = new Random(17);
const x = Array.from({ length: 100 }, () => Array.from({ length: 5 }, () => random.normal()));
const y = x.map((row) => (row[0] + row[1] > 0 ? 1 : 0) + (row[2] > 0.5 ? 1 : 0));

const OPTIMIZERS: Record<string, () => nn.optimizers.Optimizer> = {
  adam: () => nn.optimizers.adam({ learningRate: 0.01 }),
  adamw: () => nn.optimizers.adamw({ learningRate: 0.01, weightDecay: 0.01 }),
  sgd: () => nn.optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
  rmsprop: () => nn.optimizers.rmsprop({ learningRate: 0.005 }),
};

function build(optimizer: string): nn.Sequential {
  const model = nn.sequential([
    nn.layers.dense({ units: 16, activation: 'relu', inputShape: [5], kernelRegularizer: nn.regularizers.l2(1e-3) }),
    nn.layers.batchNormalization({ momentum: 0.9 }),
    nn.layers.dropout({ rate: 0.3 }),
    nn.layers.dense({ units: 8, activation: 'tanh' }),
    nn.layers.dropout({ rate: 0.2, seed: 5 }),
    nn.layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 2024 });
  model.compile({ optimizer: OPTIMIZERS[optimizer](), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const FIT = { batchSize: 16, validationSplit: 0.2, verbose: 0 } as const;

/** Every weight as bit patterns: equal means bit for bit. */
const bits = (model: nn.Sequential): number[][] => model.weights().map((w) => Array.from(new Uint32Array(Float32Array.from(w.value.data).buffer)));

describe.each([['wasm', false], ['reference', false]] as const)('resume on %s (relaxed %s)', (backend, relaxed) => {
  beforeAll(async () => {
    await nn.setBackend(backend, { relaxed });
  });

  it.each(Object.keys(OPTIMIZERS))('%s: 6 epochs straight = 3, save with the optimizer, load, 3 more (bit for bit)', async (optimizer) => {
    const straight = build(optimizer);
    const full = await straight.fit(x, y, { ...FIT, epochs: 6 });

    const first = build(optimizer);
    await first.fit(x, y, { ...FIT, epochs: 3 });
    const dir = join(root, `${backend}-${optimizer}`);
    await first.save(dir, { includeOptimizer: true });
    first.dispose();

    const resumed = await nn.loadModel(dir);
    expect(resumed.resumeEpoch).toBe(3);
    const rest = await resumed.fit(x, y, { ...FIT, epochs: 6, initialEpoch: resumed.resumeEpoch });
    expect(rest.epoch).toEqual([3, 4, 5]);
    expect(rest.history.loss).toEqual(full.history.loss.slice(3));
    expect(rest.history.val_loss).toEqual(full.history.val_loss.slice(3));
    expect(bits(resumed)).toEqual(bits(straight));
    expect(resumed.optimizer.iterations).toBe(straight.optimizer.iterations);
    straight.dispose();
    resumed.dispose();
  });
});

describe('what a checkpoint with the optimizer holds', () => {
  beforeAll(async () => {
    await nn.setBackend('wasm', { relaxed: false });
  });

  it('a modelCheckpoint with includeOptimizer resumes exactly too', async () => {
    const straight = build('adam');
    await straight.fit(x, y, { ...FIT, epochs: 5 });
    const dir = join(root, 'checkpoint');
    await build('adam').fit(x, y, { ...FIT, epochs: 2, callbacks: [nn.callbacks.modelCheckpoint({ path: dir, includeOptimizer: true })] });
    const resumed = await nn.loadModel(dir);
    expect(resumed.resumeEpoch).toBe(2);
    await resumed.fit(x, y, { ...FIT, epochs: 5, initialEpoch: resumed.resumeEpoch });
    expect(bits(resumed)).toEqual(bits(straight));
  });

  it('names the optimizer state as TensorFlow.js does, and records epoch, sample order and dropout steps', async () => {
    const model = build('adam');
    await model.fit(x, y, { ...FIT, epochs: 2 });
    const dir = join(root, 'names');
    await model.save(dir, { includeOptimizer: true });
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const optimizer = json.weightsManifest[0].weights.filter((w: { group?: string }) => w.group === 'optimizer');
    const [dense, bn, , dense1, , dense2] = model.layers.map((l) => l.name);
    const trainable = [`${dense}/kernel`, `${dense}/bias`, `${bn}/gamma`, `${bn}/beta`, `${dense1}/kernel`, `${dense1}/bias`, `${dense2}/kernel`, `${dense2}/bias`];
    expect(optimizer.map((w: { name: string }) => w.name)).toEqual(['iter', ...trainable.map((n) => `${n}/m`), ...trainable.map((n) => `${n}/v`)]);
    expect(optimizer[0]).toEqual({ name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' });
    const weights = await readFile(join(dir, 'weights.bin'));
    const modelBytes = model.weights().reduce((sum, w) => sum + 4 * w.value.size, 0);
    expect(weights.readInt32LE(modelBytes)).toBe(2 * 5); // 2 epochs of 80 samples in batches of 16
    const { wasmnn } = json.userDefinedMetadata;
    expect(wasmnn.epoch).toBe(1);
    expect(wasmnn.training.shuffle).toMatchObject({ shuffles: 2, samples: 80 });
    expect(wasmnn.training.dropoutSteps).toEqual({ [model.layers[2].name]: 10, [model.layers[4].name]: 10 });
    // the m of the first kernel is what the optimizer holds
    const m = new Float32Array(weights.buffer.slice(weights.byteOffset + modelBytes + 4, weights.byteOffset + modelBytes + 4 + 4 * 80));
    expect(m).toEqual(model.optimizer.getStateValues(model.weights()[0])![0]);
  });

  it('without the optimizer, the same load and fit do not continue exactly (the state matters)', async () => {
    const straight = build('adam');
    await straight.fit(x, y, { ...FIT, epochs: 4 });
    const first = build('adam');
    await first.fit(x, y, { ...FIT, epochs: 2 });
    const dir = join(root, 'without');
    await first.save(dir);
    const resumed = await nn.loadModel(dir);
    expect(resumed.resumeEpoch).toBe(0);
    await resumed.fit(x, y, { ...FIT, epochs: 4, initialEpoch: 2 });
    expect(bits(resumed)).not.toEqual(bits(straight));
  });

  it('a checkpoint from a fit on other data still loads, and the next fit starts a fresh order', async () => {
    const model = build('sgd');
    await model.fit(x.slice(0, 50), y.slice(0, 50), { ...FIT, epochs: 1 });
    const dir = join(root, 'other-data');
    await model.save(dir, { includeOptimizer: true });
    const loaded = await nn.loadModel(dir);
    const history = await loaded.fit(x, y, { ...FIT, epochs: 2, initialEpoch: loaded.resumeEpoch });
    expect(history.epoch).toEqual([1]);
  });
});
