// Saving and loading: a trained model comes back bit for bit on both backends, from a
// directory, a model.json path or memory; the files are laid out as TensorFlow.js writes
// them; and every kind of damage is a typed error raised before anything is allocated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nn from '../../src/index.js';
import { ConfigError, ModelFormatError, WasmnnError } from '../../src/errors.js';
import { Random } from '../../src/random.js';
import { serveDirectory } from '../../test-e2e/harness.js';
import { at, type Json } from '../helpers/json.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasmnn-io-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function data(seed: number, n: number): { x: Float32Array; y: number[] } {
  const random = new Random(seed);
  const x = new Float32Array(n * 6);
  for (let i = 0; i < x.length; i++) x[i] = random.normal();
  const y = Array.from({ length: n }, (_, i) => (x[i * 6] + x[i * 6 + 3] > 0 ? 1 : 0) + (x[i * 6 + 1] > 1 ? 1 : 0));
  return { x, y };
}

/** Flatten, Dense, BatchNormalization, Dropout, Activation, Dense: every layer class. */
function buildModel(seed: number): nn.Sequential {
  const model = nn.sequential([
    nn.layers.flatten({ inputShape: [2, 3], name: 'flatten' }),
    nn.layers.dense({ units: 8, kernelRegularizer: nn.regularizers.l2(1e-3), name: 'dense' }),
    nn.layers.batchNormalization({ momentum: 0.8, name: 'batch_normalization' }),
    nn.layers.activation({ activation: 'relu', name: 'activation' }),
    nn.layers.dropout({ rate: 0.25, name: 'dropout' }),
    nn.layers.dense({ units: 3, activation: 'softmax', name: 'dense_1' }),
  ], { seed });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** The float32 values as their bit patterns, so equality means bit for bit. */
const bits = (t: nn.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.data).buffer));

const tempDir = async (name: string): Promise<string> => {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
};

describe.each([['reference', false], ['wasm', false], ['wasm', true]] as const)('a trained model saved and loaded on %s (relaxed %s)', (backend, relaxed) => {
  beforeAll(async () => {
    await nn.setBackend(backend, { relaxed });
  });

  it('predicts bit for bit the same, with the same weights and moving statistics', async () => {
    const model = buildModel(3);
    const { x, y } = data(4, 64);
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const probe = data(5, 10).x;
    const expected = model.predict(probe);
    const dir = await tempDir(`trained-${backend}-${relaxed}`);
    await model.save(dir);
    for (const loaded of [await nn.loadModel(dir), await nn.loadModel(join(dir, 'model.json')), nn.fromArtifacts(model.toArtifacts())]) {
      expect(bits(loaded.predict(probe))).toEqual(bits(expected));
      expect(loaded.getWeights().map(bits)).toEqual(model.getWeights().map(bits));
      expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      expect(loaded.loss).toBe('sparseCategoricalCrossentropy');
      expect(loaded.optimizer.getConfig()).toEqual(model.optimizer.getConfig());
      expect(loaded.evaluate(x, y)).toEqual(model.evaluate(x, y)); // penalty included: the regularizer came back too
      loaded.dispose();
    }
    // the moving statistics moved away from their initial 0 and 1, and came back as saved
    const bn = model.layers[2].weights();
    expect(bn.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(Array.from(bn[2].value.data).some((v) => v !== 0)).toBe(true);
    model.dispose();
  });
});

describe('the files', () => {
  beforeAll(async () => {
    await nn.setBackend('wasm', { relaxed: false });
  });

  it('model.json has the TensorFlow.js layout, weights.bin the float32 values in manifest order', async () => {
    const model = buildModel(1);
    const dir = await tempDir('layout');
    await model.save(dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest', 'userDefinedMetadata']);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toBe('wasmnn v0.1.0');
    expect(json.convertedBy).toBeNull();
    expect(json.userDefinedMetadata).toEqual({ wasmnn: { seed: 1 } });
    expect(Object.keys(json.modelTopology)).toEqual(['keras_version', 'backend', 'model_config', 'training_config']);
    expect(json.modelTopology.model_config.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['Flatten', 'Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense']);
    expect(json.modelTopology.training_config).toEqual({
      loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], weighted_metrics: null, loss_weights: null,
      optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
    });
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights).toEqual([
      { name: 'dense/kernel', shape: [6, 8], dtype: 'float32' },
      { name: 'dense/bias', shape: [8], dtype: 'float32' },
      { name: 'batch_normalization/gamma', shape: [8], dtype: 'float32' },
      { name: 'batch_normalization/beta', shape: [8], dtype: 'float32' },
      { name: 'batch_normalization/moving_mean', shape: [8], dtype: 'float32' },
      { name: 'batch_normalization/moving_variance', shape: [8], dtype: 'float32' },
      { name: 'dense_1/kernel', shape: [8, 3], dtype: 'float32' },
      { name: 'dense_1/bias', shape: [3], dtype: 'float32' },
    ]);
    const bytes = await readFile(join(dir, 'weights.bin'));
    expect(bytes.byteLength).toBe(4 * (48 + 8 + 4 * 8 + 24 + 3));
    // the kernel's values are the first 48 floats, row-major [in, units]
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 48))).toEqual(Array.from(model.layers[1].weights()[0].value.data));
    // a model that was never compiled has no training_config, and loads uncompiled
    const plain = nn.sequential([nn.layers.dense({ units: 2, inputShape: [3] })], { seed: 2 });
    await plain.save(join(dir, 'plain'));
    const plainJson = JSON.parse(await readFile(join(dir, 'plain', 'model.json'), 'utf8'));
    expect(plainJson.modelTopology.training_config).toBeUndefined();
    const loaded = await nn.loadModel(join(dir, 'plain'));
    expect(() => loaded.optimizer).toThrow(ConfigError);
    model.dispose();
  });

  it('saving again replaces both files and leaves no temporary file behind', async () => {
    const dir = await tempDir('resave');
    const a = buildModel(11), b = buildModel(12);
    await a.save(dir);
    await b.save(dir);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await nn.loadModel(dir);
    expect(loaded.getWeights().map(bits)).toEqual(b.getWeights().map(bits));
    expect(loaded.seed).toBe(12);
  });

  it('loadModel(path, { compile: false, seed }) skips the training config and reseeds', async () => {
    const dir = await tempDir('options');
    await buildModel(21).save(dir);
    const loaded = await nn.loadModel(dir, { compile: false, seed: 99 });
    expect(loaded.seed).toBe(99);
    expect(() => loaded.optimizer).toThrow(/compiled/);
    await expect(nn.loadModel(dir, { compiled: true } as unknown as nn.LoadOptions)).rejects.toThrow(/loadModel: unknown option 'compiled'; did you mean 'compile'?/);
  });
});

describe('loading by URL (as in browsers), weights fetched relative to model.json', () => {
  it('loads over HTTP, and reports a missing weights file as a ModelFormatError', async () => {
    await nn.setBackend('wasm', { relaxed: false });
    const dir = await tempDir('served');
    const model = buildModel(31);
    await model.save(join(dir, 'm'));
    const server = await serveDirectory(dir);
    const base = server.base;
    try {
      const loaded = await nn.loadModel(`${base}/m/model.json`);
      expect(server.requests).toEqual(['/m/model.json', '/m/weights.bin']);
      const probe = data(32, 5).x;
      expect(bits(loaded.predict(probe))).toEqual(bits(model.predict(probe)));
      await rm(join(dir, 'm', 'weights.bin'));
      await expect(nn.loadModel(new URL(`${base}/m/model.json`))).rejects.toThrow(/could not fetch .*\/m\/weights.bin: HTTP 404/);
      await expect(nn.loadModel(`${base}/nothing/model.json`)).rejects.toThrow(ModelFormatError);
    } finally {
      await server.close();
    }
  });
});

const specs = (j: Json): Json[] => at(j, 'weightsManifest', 0).weights as Json[];
const manifest = (j: Json): Json => at(j, 'weightsManifest', 0);
const sequentialConfig = (j: Json): Json => at(j, 'modelTopology', 'model_config', 'config');
const layerConfig = (j: Json, i: number): Json => at(sequentialConfig(j), 'layers', i, 'config');

describe('damaged or hostile files give typed errors, before allocating', () => {
  let dir: string;
  let json: Json;
  let weights: Buffer;
  beforeAll(async () => {
    await nn.setBackend('wasm', { relaxed: false });
    dir = await tempDir('pristine');
    await buildModel(7).save(dir);
    json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    weights = await readFile(join(dir, 'weights.bin'));
  });

  /** Writes a variant of the saved model into a new directory and loads it. */
  async function loadVariant(name: string, edit: (json: Json) => void, bytes: Uint8Array = weights): Promise<nn.Sequential> {
    const variant = await tempDir(name);
    const copy = structuredClone(json);
    edit(copy);
    await writeFile(join(variant, 'model.json'), JSON.stringify(copy));
    await writeFile(join(variant, 'weights.bin'), bytes);
    return nn.loadModel(variant);
  }

  it('truncated, extended or missing weight bytes', async () => {
    await expect(loadVariant('truncated', () => {}, weights.subarray(0, weights.length - 4))).rejects.toThrow(/hold 456 bytes but the manifest needs 460: a weights file is truncated/);
    await expect(loadVariant('extended', () => {}, Buffer.concat([weights, Buffer.alloc(1)]))).rejects.toThrow(/weights file 'weights.bin' holds more bytes than the manifest describes/);
    await expect(loadVariant('missing', (j) => { manifest(j).paths = ['nothere.bin']; })).rejects.toThrow(/could not read .*nothere.bin: ENOENT/);
    const nan = Buffer.from(weights);
    nan.writeFloatLE(NaN, 8);
    await expect(loadVariant('nan', () => {}, nan)).rejects.toThrow(/holds NaN at index 2/);
  });

  it('a manifest that disagrees with the layers', async () => {
    await expect(loadVariant('shape', (j) => { specs(j)[0].shape = [8, 6]; })).rejects.toThrow(/the manifest says shape \[8, 6\], the layer needs \[6, 8\]/);
    await expect(loadVariant('absent', (j) => { specs(j).splice(1, 1); })).rejects.toThrow(ModelFormatError);
    await expect(loadVariant('stranger', (j) => { specs(j).push({ name: 'other/kernel', shape: [0], dtype: 'float32' }); })).rejects.toThrow(/lists 'other\/kernel', which no layer of the model has/);
    await expect(loadVariant('renamed', (j) => { specs(j)[1].name = 'other/bias'; })).rejects.toThrow(/has no 'dense\/bias' \(expected shape \[8\]\)/);
    await expect(loadVariant('twice', (j) => { specs(j)[1].name = specs(j)[0].name; })).rejects.toThrow(/lists weight 'dense\/kernel' twice/);
    await expect(loadVariant('dtype', (j) => { specs(j)[0].dtype = 'float16'; })).rejects.toThrow(/weight 'dense\/kernel': dtype "float16" is not supported/);
    await expect(loadVariant('quantized', (j) => { specs(j)[0].quantization = { dtype: 'uint8', min: 0, scale: 1 }; })).rejects.toThrow(/quantized weights are not supported/);
  });

  it('absurd sizes are refused before any memory is taken', async () => {
    const before = nn.memoryStats();
    await expect(loadVariant('huge-spec', (j) => { specs(j)[0].shape = [2 ** 20, 2 ** 20]; })).rejects.toThrow(/needs more than 1073741824 bytes/);
    await expect(loadVariant('huge-units', (j) => {
      layerConfig(j, 1).units = 2 ** 29;
      delete j.weightsManifest;
    })).rejects.toThrow(/would take more than 1073741824 bytes/);
    await expect(loadVariant('huge-input', (j) => {
      layerConfig(j, 0).batch_input_shape = [null, 2 ** 30, 2 ** 30];
    })).rejects.toThrow(/more than 1073741824/);
    await expect(nn.loadModel(dir, { maxWeightBytes: 100 })).rejects.toThrow(/more than 100 bytes/);
    expect(nn.memoryStats()).toEqual(before);
  });

  it('paths outside the model directory, broken JSON, other formats', async () => {
    for (const path of ['../weights.bin', '/etc/passwd', 'sub/weights.bin', 'C:weights.bin', 'http://example.com/w.bin', '..']) {
      await expect(loadVariant('path', (j) => { manifest(j).paths = [path]; })).rejects.toThrow(/must be a plain file name next to model.json/);
    }
    const broken = await tempDir('broken');
    await writeFile(join(broken, 'model.json'), '{"modelTopology": ');
    await expect(nn.loadModel(broken)).rejects.toThrow(/is not valid JSON/);
    await expect(loadVariant('graph', (j) => { j.format = 'graph-model'; })).rejects.toThrow(/format "graph-model" is not supported/);
    await expect(loadVariant('functional', (j) => { at(j, 'modelTopology', 'model_config').class_name = 'Functional'; })).rejects.toThrow(/unsupported model class "Functional"; wasmnn reads Sequential/);
    await expect(nn.loadModel(join(root, 'no-such-dir'))).rejects.toThrow(ModelFormatError);
  });

  it('every error above is a WasmnnError', async () => {
    const edits: ((j: Json) => void)[] = [
      (j) => { j.modelTopology = 5; },
      (j) => { j.weightsManifest = {}; },
      (j) => { specs(j)[0].shape = 'big'; },
      (j) => { sequentialConfig(j).layers = []; },
      (j) => { j.userDefinedMetadata = { wasmnn: { seed: -1 } }; },
    ];
    for (const [i, edit] of edits.entries()) await expect(loadVariant(`e${i}`, edit)).rejects.toBeInstanceOf(WasmnnError);
  });
});
