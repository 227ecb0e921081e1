// Fuzzing the loader: random mutations of a valid model.json (values, types, missing and
// extra keys, huge shapes) and of its weights (truncation, extension, bit flips). Each
// either loads a valid model or throws a WasmnnError: never another exception, a hang, or
// memory beyond the byte budget.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { WasmnnError } from '../../src/errors.js';
import { artifactsFromModelJson, modelJson } from '../../src/io/model-json.js';
import { fromArtifacts } from '../../src/io/load.js';
import { at } from '../helpers/json.js';

/** A small budget, so that a mutation asking for a large model is refused quickly. */
const MAX_BYTES = 1 << 20;

let pristine: Record<string, unknown>;
let weightBytes: Uint8Array;

beforeAll(async () => {
  await nn.setBackend('wasm', { relaxed: false });
  const model = nn.sequential([
    nn.layers.flatten({ inputShape: [2, 3], name: 'flatten' }),
    nn.layers.dense({ units: 5, activation: 'relu', kernelRegularizer: nn.regularizers.l1l2({ l1: 0.01, l2: 0.02 }), name: 'dense' }),
    nn.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01, center: false, name: 'bn' }),
    nn.layers.dropout({ rate: 0.2, seed: 4, name: 'dropout' }),
    nn.layers.activation({ activation: 'tanh', name: 'act' }),
    nn.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
  ], { seed: 9 });
  model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  // trained a little and saved with its optimizer, so the optimizer weights and the training
  // state are in the files too
  const x = Array.from({ length: 8 }, (_, i) => [[i % 3, 1, -1], [0.5, i / 8, 2]]);
  await model.fit(x, x.map((_, i) => i % 3), { epochs: 1, batchSize: 4, verbose: 0 });
  const artifacts = model.toArtifacts({ includeOptimizer: true });
  pristine = JSON.parse(JSON.stringify(modelJson(artifacts, ['weights.bin'])));
  weightBytes = new Uint8Array(artifacts.weightData);
  model.dispose();
});

/** Loads model.json text and weight bytes the way loadModel does, in memory. */
async function load(text: string, bytes: Uint8Array): Promise<nn.Sequential> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return Promise.reject(new WasmnnError('not JSON')); // loadModel reports this as a ModelFormatError
  }
  const artifacts = await artifactsFromModelJson(json, async (path, limit) => {
    if (path !== 'weights.bin') throw new WasmnnError(`no file ${path}`);
    return bytes.byteLength > limit ? bytes.subarray(0, limit + 1) : bytes;
  }, MAX_BYTES);
  return fromArtifacts(artifacts, { maxWeightBytes: MAX_BYTES });
}

/** Loads, and fails the property on anything but success or a WasmnnError. */
async function loadsOrRefuses(text: string, bytes: Uint8Array): Promise<'loaded' | 'refused'> {
  const reserved = nn.memoryStats().bytesReserved;
  try {
    const model = await load(text, bytes);
    model.predict(new Float32Array(6 * 2)); // a loaded model works
    model.dispose();
    return 'loaded';
  } catch (error) {
    if (!(error instanceof WasmnnError)) throw new Error(`not a WasmnnError: ${String(error)}\n${(error as Error).stack}`);
    return 'refused';
  } finally {
    // memory grows by at most the budget (plus the layers' small buffers)
    expect(nn.memoryStats().bytesReserved - reserved).toBeLessThanOrEqual(4 * MAX_BYTES);
  }
}

type Path = (string | number)[];

/** Every path to a value in a JSON tree. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (value !== null && typeof value === 'object') for (const [k, item] of Object.entries(value)) out.push(...paths(item, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

/** A JSON object or array, indexed either way. */
type Node = Record<string | number, unknown> & unknown[];

function parentOf(root: unknown, path: Path): { parent: Node; key: string | number } | null {
  if (path.length === 0) return null;
  let node = root as Node;
  for (const step of path.slice(0, -1)) node = node[step] as Node;
  return { parent: node, key: path[path.length - 1] };
}

/** Values a mutation may put anywhere: other types, huge and negative sizes, odd strings. */
const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, -1e308, '', 'float16', 'Conv2D', '__proto__', 'constructor', '../x', [], {}, [null], [2 ** 30, 2 ** 30], [null, 1e9]),
  fc.integer({ min: -5, max: 1 << 30 }),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer({ min: -2, max: 2 ** 20 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'delete', 'add', 'duplicate'), value: strangeValue, key: fc.constantFrom('extra', 'units', 'shape', 'weightsManifest', 'batch_input_shape', '__proto__', 'class_name', 'config') });

function mutate(root: unknown, m: { at: number; kind: string; value: unknown; key: string }): unknown {
  const all = paths(root);
  const path = all[m.at % all.length];
  const target = parentOf(root, path);
  if (target === null) return m.kind === 'replace' ? m.value : root;
  const { parent, key } = target;
  switch (m.kind) {
    case 'replace': parent[key] = m.value; break;
    case 'delete': if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key]; break;
    case 'add': {
      const node = parent[key];
      if (Array.isArray(node)) node.push(m.value);
      else if (node !== null && typeof node === 'object') Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    }
    case 'duplicate': if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number])); break;
  }
  return root;
}

describe('fuzzing model.json and weights.bin', () => {
  it('the pristine files load', async () => {
    expect(await loadsOrRefuses(JSON.stringify(pristine), weightBytes)).toBe('loaded');
  });

  it('mutated model.json: loads or throws a WasmnnError', async () => {
    const outcomes = { loaded: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      let json: unknown = structuredClone(pristine);
      for (const m of mutations) json = mutate(json, m);
      outcomes[await loadsOrRefuses(JSON.stringify(json), weightBytes)]++;
    }), { seed: 2024, numRuns: 600 });
    // both outcomes happen: the fuzzer reaches the loader's checks and also harmless values
    expect(outcomes.loaded).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(300);
  });

  it('mutated weights.bin (truncated, extended, bit flips): loads or throws a WasmnnError', async () => {
    const outcomes = { loaded: 0, refused: 0 };
    const edit = fc.oneof(
      fc.nat().map((n) => (b: Uint8Array) => b.slice(0, n % b.length)),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => (b: Uint8Array) => Uint8Array.from([...b, ...extra])),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => (b: Uint8Array) => {
        const out = b.slice();
        for (const [at, bit] of flips) out[at % out.length] ^= 1 << bit;
        return out;
      }),
    );
    await fc.assert(fc.asyncProperty(edit, async (change) => {
      outcomes[await loadsOrRefuses(JSON.stringify(pristine), change(weightBytes))]++;
    }), { seed: 2025, numRuns: 400 });
    expect(outcomes.loaded).toBeGreaterThan(50); // most bit flips give other finite weights
    expect(outcomes.refused).toBeGreaterThan(50); // truncation, extension, NaN/Infinity
  });

  it('random text as model.json is refused with a WasmnnError', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (text) => {
      expect(await loadsOrRefuses(text, weightBytes)).toBe('refused');
    }), { seed: 2026, numRuns: 200 });
  });

  it('deep nesting and long lists are refused without overflowing the stack', async () => {
    // a factor nested 100,000 objects deep, written as text (JSON.stringify itself would overflow)
    const depth = 100_000;
    const nested = `${'{"l1":'.repeat(depth)}0${'}'.repeat(depth)}`;
    const deep = structuredClone(pristine);
    at(deep, 'modelTopology', 'model_config', 'config', 'layers', 1, 'config').kernel_regularizer = { class_name: 'L1L2', config: 'NESTED' };
    expect(await loadsOrRefuses(JSON.stringify(deep).replace('"NESTED"', nested), weightBytes)).toBe('refused');
    const long = structuredClone(pristine);
    at(long, 'modelTopology', 'model_config', 'config').layers = Array.from({ length: 20_000 }, () => ({ class_name: 'Activation', config: { activation: 'relu' } }));
    expect(await loadsOrRefuses(JSON.stringify(long), weightBytes)).toBe('refused');
  });
});
