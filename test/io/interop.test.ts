// Interop with the real TensorFlow.js (CPU backend): a model saved by wasmnn loads in
// TensorFlow.js and predicts the same within 1e-5, and a model built and saved by
// TensorFlow.js with random weights loads in wasmnn and predicts the same within 1e-5.
// Both cover Flatten, Dense with each activation, Activation, Dropout, and
// BatchNormalization with set moving statistics, non-default momentum and epsilon, and
// center/scale off; in memory (tf.io.fromMemory) and through model.json + weights.bin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'wasmnn-interop-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const INPUT = [2, 3];
const BATCH = 16;

function randomArray(random: Random, n: number, low: number, high: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random.uniform(low, high);
  return out;
}

/** Random values for a weight: variances positive, everything else in ±1. */
function randomWeight(random: Random, name: string, size: number): Float32Array {
  return name.endsWith('moving_variance') ? randomArray(random, size, 0.2, 2) : randomArray(random, size, -1, 1);
}

const inputs = (seed: number): Float32Array => randomArray(new Random(seed), BATCH * 6, -2, 2);

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The layer stack, described once and built by either library. */
interface Spec { kind: 'flatten' | 'dense' | 'activation' | 'dropout' | 'bn'; units?: number; activation?: string; rate?: number; momentum?: number; epsilon?: number; center?: boolean; scale?: boolean }
const STACK: Spec[] = [
  { kind: 'flatten' },
  { kind: 'dense', units: 7, activation: 'relu' },
  { kind: 'bn', momentum: 0.8, epsilon: 0.01, center: false },
  { kind: 'dense', units: 6, activation: 'sigmoid' },
  { kind: 'dropout', rate: 0.3 },
  { kind: 'dense', units: 6, activation: 'tanh' },
  { kind: 'bn', momentum: 0.95, epsilon: 1e-4, scale: false },
  { kind: 'dense', units: 5, activation: 'linear' },
  { kind: 'activation', activation: 'relu' },
  { kind: 'bn', center: false, scale: false, epsilon: 0.1 },
  { kind: 'activation', activation: 'sigmoid' },
  { kind: 'dense', units: 4, activation: 'softmax' },
];

function wasmnnModel(seed: number): nn.Sequential {
  const layers = STACK.map((s, i) => {
    const first = i === 0 ? { inputShape: INPUT } : {};
    switch (s.kind) {
      case 'flatten': return nn.layers.flatten(first);
      case 'dense': return nn.layers.dense({ ...first, units: s.units!, activation: s.activation, kernelRegularizer: i === 1 ? nn.regularizers.l2(0.01) : null, kernelInitializer: i === 3 ? 'lecunNormal' : 'glorotUniform' });
      case 'activation': return nn.layers.activation({ ...first, activation: s.activation! });
      case 'dropout': return nn.layers.dropout({ ...first, rate: s.rate! });
      default: return nn.layers.batchNormalization({ ...first, momentum: s.momentum, epsilon: s.epsilon, center: s.center, scale: s.scale });
    }
  });
  const model = nn.sequential(layers, { seed });
  const random = new Random(seed);
  model.setWeights(model.weights().map((w) => randomWeight(random, w.name, w.value.size)));
  return model;
}

function tfModel(seed: number, stack = STACK): tf.Sequential {
  const model = tf.sequential();
  stack.forEach((s, i) => {
    const first = i === 0 ? { inputShape: INPUT } : {};
    switch (s.kind) {
      case 'flatten': model.add(tf.layers.flatten(first)); break;
      case 'dense': model.add(tf.layers.dense({ ...first, units: s.units!, activation: s.activation as 'relu', kernelRegularizer: i === 1 ? tf.regularizers.l2({ l2: 0.01 }) : undefined })); break;
      case 'activation': model.add(tf.layers.activation({ ...first, activation: s.activation as 'relu' })); break;
      case 'dropout': model.add(tf.layers.dropout({ ...first, rate: s.rate! })); break;
      case 'bn': model.add(tf.layers.batchNormalization({ ...first, momentum: s.momentum, epsilon: s.epsilon, center: s.center, scale: s.scale })); break;
    }
  });
  const random = new Random(seed);
  for (const layer of model.layers) {
    layer.setWeights(layer.weights.map((w) => {
      const shape = w.shape as number[];
      return tf.tensor(randomWeight(random, w.originalName, shape.reduce((a, b) => a * b, 1)), shape);
    }));
  }
  return model;
}

async function tfArtifacts(model: tf.LayersModel, includeOptimizer = false): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer });
  return saved!;
}

function tfPredict(model: tf.LayersModel, x: Float32Array): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, [BATCH, ...INPUT])) as tf.Tensor).dataSync() as Float32Array).slice();
}

describe.each([['wasm', false], ['reference', false]] as const)('interop with TensorFlow.js (wasmnn on %s)', (backend, relaxed) => {
  beforeAll(async () => {
    await nn.setBackend(backend, { relaxed });
  });

  it('a model saved by wasmnn loads in TensorFlow.js and predicts the same within 1e-5', async () => {
    const model = wasmnnModel(31);
    model.compile({ optimizer: nn.optimizers.adamw(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = inputs(32);
    const expected = model.predict(x).data;
    // in memory
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(model.toArtifacts() as unknown as tf.io.ModelArtifacts));
    expect(maxDifference(tfPredict(loaded, x), expected)).toBeLessThanOrEqual(1e-5);
    // the BN options reached TensorFlow.js as set
    const bns = loaded.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.getConfig());
    expect(bns.map((c) => [c.momentum, c.epsilon, c.center, c.scale])).toEqual([[0.8, 0.01, false, true], [0.95, 1e-4, true, false], [0.99, 0.1, false, false]]);
    // through the files, as TensorFlow.js's own loader reads model.json and its manifest
    const dir = join(root, `to-tf-${backend}`);
    await model.save(dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const bytes = await readFile(join(dir, 'weights.bin'));
    const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      expect(manifest[0].paths).toEqual(['weights.bin']);
      return [manifest[0].weights, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
    });
    const fromFiles = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(maxDifference(tfPredict(fromFiles, x), expected)).toBeLessThanOrEqual(1e-5);
    model.dispose();
  });

  it('a model built and saved by TensorFlow.js with random weights loads in wasmnn and predicts the same within 1e-5', async () => {
    const source = tfModel(41);
    const x = inputs(42);
    const expected = tfPredict(source, x);
    const artifacts = await tfArtifacts(source);
    const loaded = nn.fromArtifacts(artifacts);
    expect(maxDifference(loaded.predict(x).data, expected)).toBeLessThanOrEqual(1e-5);
    expect(loaded.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense', 'BatchNormalization', 'Dense', 'Dropout', 'Dense', 'BatchNormalization', 'Dense', 'Activation', 'BatchNormalization', 'Activation', 'Dense']);
    expect(loaded.layers[2].getConfig()).toMatchObject({ momentum: 0.8, epsilon: 0.01, center: false, scale: true });
    // TensorFlow.js names layers dense_Dense1, ...: kept, so the weights match by name
    expect(loaded.layers[1].name).toBe(source.layers[1].name);
    // through the files, as TensorFlow.js's Node file handler lays them out
    const dir = join(root, `from-tf-${backend}`);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    const { weightData, weightSpecs, ...rest } = artifacts;
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] }));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(weightData as ArrayBuffer));
    const fromFiles = await nn.loadModel(dir);
    expect(maxDifference(fromFiles.predict(x).data, expected)).toBeLessThanOrEqual(1e-5);
    loaded.dispose();
    fromFiles.dispose();
  });

  it('a TensorFlow.js model saved after training, with its optimizer, loads compiled', async () => {
    // (TensorFlow.js 4.22 cannot train a batch normalization with center or scale off: it
    // reads the missing beta or gamma)
    const source = tfModel(51, [{ kind: 'flatten' }, { kind: 'dense', units: 7, activation: 'relu' }, { kind: 'bn', momentum: 0.8 }, { kind: 'dropout', rate: 0.2 }, { kind: 'dense', units: 4, activation: 'softmax' }]);
    source.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = inputs(52);
    await source.fit(tf.tensor(x, [BATCH, ...INPUT]), tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 4), 'int32'), 4), { epochs: 1, verbose: 0 });
    const artifacts = await tfArtifacts(source, true);
    expect((artifacts.trainingConfig!.optimizer_config as { class_name?: string }).class_name).toBe('Adam');
    expect(artifacts.weightSpecs!.some((s) => s.group === 'optimizer' && s.dtype === 'int32')).toBe(true); // the step count 'iter'
    const loaded = nn.fromArtifacts(artifacts);
    expect(loaded.loss).toBe('categoricalCrossentropy');
    expect(loaded.optimizer.getConfig()).toMatchObject({ learningRate: 0.003, beta1: 0.9, beta2: 0.999 });
    expect(maxDifference(loaded.predict(x).data, tfPredict(source, x))).toBeLessThanOrEqual(1e-5);
    loaded.dispose();
  });

  it.each([
    ['Adam', () => tf.train.adam(0.01)],
    ['Momentum', () => tf.train.momentum(0.05, 0.9)],
    ['Momentum (Nesterov)', () => tf.train.momentum(0.05, 0.9, true)],
    ['RMSProp', () => tf.train.rmsprop(0.01)],
  ] as const)('the %s state TensorFlow.js saves continues training in wasmnn as it would in TensorFlow.js', async (_name, makeOptimizer) => {
    const source = tfModel(61, [{ kind: 'flatten' }, { kind: 'dense', units: 7, activation: 'relu' }, { kind: 'dense', units: 4, activation: 'softmax' }]);
    source.compile({ optimizer: makeOptimizer(), loss: 'categoricalCrossentropy' });
    const x = inputs(62);
    const labels = Array.from({ length: BATCH }, (_, i) => (i * 7) % 4);
    const xs = tf.tensor(x, [BATCH, ...INPUT]), ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
    // three steps in TensorFlow.js build up the state; save it; one more step on each side
    await source.fit(xs, ys, { epochs: 3, batchSize: BATCH, shuffle: false, verbose: 0 });
    const loaded = nn.fromArtifacts(await tfArtifacts(source, true));
    expect(loaded.optimizer.iterations).toBe(3);
    await source.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    await loaded.fit(x, labels.map((c) => [0, 1, 2, 3].map((k) => (k === c ? 1 : 0))), { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    const expected = source.getWeights().map((w) => w.dataSync());
    const actual = loaded.getWeights().map((w) => w.data);
    for (let i = 0; i < expected.length; i++) expect(maxDifference(actual[i], expected[i])).toBeLessThanOrEqual(1e-5);
    loaded.dispose();
  });
});
