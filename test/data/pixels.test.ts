// Pixels: data sets kept as bytes. The gather + scale kernel on every backend against the
// formula (odd sizes, a tail below one vector, several vectors), fit/evaluate/predict on
// Pixels against the same data as float32 (bit for bit), the full set never copied to float32,
// no backend allocation per step with 1 and 2 threads, the splitting helpers, and the errors.

import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { Random } from '../../src/random.js';
import { allBackends } from '../helpers/kernel-backends.js';
import { firstDifference } from '../helpers/gemm-cases.js';
import { takeRows, takeRowsInPlace } from '../../src/data/dataset.js';

const SENTINEL = -77.5;

/** gatherScaled into a fresh storage with guard floats after the rows × cols it must write. */
function gather(k: Kernels, src: Uint8Array, indices: Int32Array | null, start: number, rows: number, cols: number, scale: number): Float32Array {
  const n = rows * cols;
  const dst = k.alloc(n + 9);
  dst.view().fill(SENTINEL);
  k.gatherScaled(src, indices, start, rows, cols, scale, dst);
  const out = dst.view().slice();
  k.free(dst);
  for (let i = n; i < out.length; i++) expect(out[i], 'a float past the rows').toBe(SENTINEL);
  return out.subarray(0, n);
}

describe('Kernels.gatherScaled: rows of bytes to float32, dst = fround(byte·scale)', () => {
  const cases = fc.record({
    cols: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 14, max: 70 })),
    rows: fc.integer({ min: 0, max: 13 }),
    total: fc.integer({ min: 13, max: 40 }),
    useIndices: fc.boolean(),
    scale: fc.oneof(fc.constant(1 / 255), fc.double({ min: -3, max: 3, noNaN: true })),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  });

  for (const { label, kernels } of allBackends) {
    it(`${label}: every element bit for bit, with and without indices`, () => {
      fc.assert(
        fc.property(cases, ({ cols, rows, total, useIndices, scale, seed }) => {
          const random = new Random(seed);
          const src = Uint8Array.from({ length: total * cols }, () => Math.floor(random.next() * 256));
          const indices = useIndices ? Int32Array.from({ length: rows + 3 }, () => Math.floor(random.next() * total)) : null;
          const start = useIndices ? 3 : Math.min(2, total - rows);
          const expected = new Float32Array(rows * cols);
          for (let r = 0; r < rows; r++) {
            const row = indices === null ? start + r : indices[start + r];
            for (let j = 0; j < cols; j++) expected[r * cols + j] = Math.fround(src[row * cols + j] * scale);
          }
          const actual = gather(kernels, src, indices, Math.max(start, 0), rows, cols, scale);
          const i = firstDifference(actual, expected);
          if (i !== -1) throw new Error(`rows=${rows} cols=${cols} scale=${scale}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
        }),
        { seed: 5, numRuns: 120 },
      );
    });

    it(`${label}: scale 1/255 gives exactly fround(v/255) for all 256 byte values`, () => {
      const src = Uint8Array.from({ length: 256 }, (_, v) => v);
      const out = gather(kernels, src, null, 0, 16, 16, 1 / 255);
      for (let v = 0; v < 256; v++) expect(out[v]).toBe(Math.fround(v / 255));
    });
  }
});

describe('nn.data.pixelsToFloat32: the whole set as the floats fit gathers', () => {
  for (const { label, kernels } of allBackends) {
    it(`${label}: equals gatherScaled over every row, bit for bit`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (rows, cols, scale, seed) => {
          const random = new Random(seed);
          const pixels = Uint8Array.from({ length: rows * cols }, () => Math.floor(random.next() * 256));
          const expected = gather(kernels, pixels, null, 0, rows, cols, scale);
          const i = firstDifference(nn.data.pixelsToFloat32({ pixels, scale }), expected);
          if (i !== -1) throw new Error(`rows=${rows} cols=${cols} scale=${scale}: element ${i} differs`);
        }),
        { seed: 8, numRuns: 60 },
      );
    });
  }
});

/** n samples of a 6×6 pattern with labels 0..2: bytes, and the same as float32 v/255. */
function patterns(n: number): { bytes: Uint8Array; floats: Float32Array; labels: Float32Array } {
  const random = new Random(21);
  const labels = Float32Array.from({ length: n }, (_, i) => i % 3);
  const bytes = new Uint8Array(n * 36);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 36; p++) bytes[i * 36 + p] = (p % 3 === labels[i] ? 160 : 20) + Math.floor(random.next() * 90);
  }
  return { bytes, floats: Float32Array.from(bytes, (v) => v / 255), labels };
}

function smallModel(): nn.Sequential {
  const model = nn.sequential([
    nn.layers.flatten({ inputShape: [6, 6] }),
    nn.layers.dense({ units: 16, activation: 'relu' }),
    nn.layers.dropout({ rate: 0.2 }),
    nn.layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 9 });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function weightsAfterFit(x: nn.data.Pixels | Float32Array, labels: Float32Array, validation: [nn.data.Pixels | Float32Array, Float32Array]): Promise<{ weights: Float32Array[]; loss: number[]; evaluated: number; predicted: Float32Array }> {
  const model = smallModel();
  const history = await model.fit(x, labels, { epochs: 2, batchSize: 16, verbose: 0, validationData: validation });
  const weights = model.getWeights().map((t) => {
    const values = t.data.slice();
    t.dispose();
    return values;
  });
  const evaluated = model.evaluate(x, labels, { batchSize: 7 }).loss;
  const y = model.predict(validation[0], { batchSize: 5 });
  const predicted = y.data.slice();
  y.dispose();
  model.dispose();
  return { weights, loss: [...(history.history.loss as number[]), ...(history.history.val_loss as number[])], evaluated, predicted };
}

describe('fit, evaluate and predict take Pixels', () => {
  for (const backend of ['reference', 'wasm'] as const) {
    it(`${backend}: the same bits as the same data given as float32 v/255`, async () => {
      await nn.setBackend(backend, { relaxed: false });
      const { bytes, floats, labels } = patterns(90);
      const val = patterns(20);
      const fromPixels = await weightsAfterFit({ pixels: bytes, scale: 1 / 255 }, labels, [{ pixels: val.bytes, scale: 1 / 255 }, val.labels]);
      const fromFloats = await weightsAfterFit(floats, labels, [val.floats, val.labels]);
      expect(fromPixels.loss).toEqual(fromFloats.loss);
      expect(fromPixels.evaluated).toBe(fromFloats.evaluated);
      for (const [i, w] of fromPixels.weights.entries()) expect(firstDifference(w, fromFloats.weights[i]), `weight ${i}`).toBe(-1);
      expect(firstDifference(fromPixels.predicted, fromFloats.predicted)).toBe(-1);
    });
  }

  it('validationSplit takes the last rows of Pixels, as of float data', async () => {
    await nn.setBackend('wasm', { relaxed: false });
    const { bytes, floats, labels } = patterns(60);
    const run = async (x: nn.data.Pixels | Float32Array): Promise<number[]> => {
      const model = smallModel();
      const history = await model.fit(x, labels, { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0 });
      model.dispose();
      return history.history.val_loss as number[];
    };
    expect(await run({ pixels: bytes, scale: 1 / 255 })).toEqual(await run(floats));
  });

  it('the whole set is never in the backend as float32: backend memory stays far below n·784·4 bytes', async () => {
    await nn.setBackend('wasm', { relaxed: false, threads: 1 });
    const n = 3000;
    const bytes = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31) % 256);
    const labels = Float32Array.from({ length: n }, (_, i) => i % 10);
    const model = nn.sequential([nn.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }), nn.layers.dense({ units: 10, activation: 'softmax' })], { seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    let peak = 0;
    await model.fit({ pixels: bytes, scale: 1 / 255 }, labels, {
      epochs: 1, batchSize: 100, verbose: 0, callbacks: [{ onBatchEnd: () => { peak = Math.max(peak, nn.memoryStats().bytesInUse); } }],
    });
    // Weights and Adam state take 0.4 MB, the batch buffers 0.3 MB; a float32 copy would be 9.4 MB.
    expect(peak).toBeLessThan(n * 784 * 4 / 8);
    model.dispose();
  });

  it('Pixels that are not bytes with a finite scale, or not whole samples, are errors naming x', async () => {
    await nn.setBackend('wasm', { relaxed: false });
    const model = smallModel();
    const labels = new Float32Array(2);
    await expect(model.fit({ pixels: new Uint8Array(72), scale: Number.NaN }, labels)).rejects.toThrow('x: scale must be a finite number (1/255 maps bytes onto [0, 1]), got NaN');
    await expect(model.fit({ pixels: new Float32Array(72) as unknown as Uint8Array, scale: 1 }, labels)).rejects.toThrow('x: pixels must be a Uint8Array, got Float32Array');
    await expect(model.fit({ pixels: new Uint8Array(70), scale: 1 }, labels)).rejects.toThrow(nn.ShapeError);
    expect(() => model.predict({ pixels: new Uint8Array(70), scale: 1 })).toThrow('got x of 70 pixels, not a multiple of 36');
    model.dispose();
  });
});

describe('zero backend allocations per steady-state step, Pixels input, 1 and 2 threads', () => {
  afterAll(async () => {
    await nn.setBackend('wasm', { threads: 1 });
  });
  for (const threads of [1, 2]) {
    it(`${threads} thread${threads > 1 ? 's' : ''}: memoryStats is the same at every batch end after the first`, async () => {
      await nn.setBackend('wasm', { threads });
      const n = 600;
      const bytes = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256);
      const labels = Float32Array.from({ length: n }, (_, i) => i % 10);
      // 2·128·784·256 flops per forward gemm: well above the cut-off, so 2 threads split it.
      const model = nn.sequential([nn.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), nn.layers.dense({ units: 10, activation: 'softmax' })], { seed: 2 });
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const seen: string[] = [];
      await model.fit({ pixels: bytes, scale: 1 / 255 }, labels, {
        epochs: 2, batchSize: 128, verbose: 0, validationSplit: 0.1,
        callbacks: [{ onBatchEnd: () => void seen.push(JSON.stringify(nn.memoryStats())) }],
      });
      expect(nn.getBackendInfo().threads).toBe(threads);
      expect(seen.length).toBe(10); // 540 training samples: 5 batches (the last one short) per epoch
      expect(new Set(seen.slice(1)).size).toBe(1); // the first step allocates Adam's state
      model.dispose();
    });
  }
});

describe('the data helpers keep Pixels', () => {
  it('trainTestSplit and kFold pick rows of bytes, with the same scale', () => {
    const { bytes, labels } = patterns(30);
    const x: nn.data.Pixels = { pixels: bytes, scale: 1 / 255 };
    const split = nn.data.trainTestSplit(x, labels, { testSize: 0.2, seed: 3 });
    expect(split.xTest.scale).toBe(1 / 255);
    expect(split.xTest.pixels).toBeInstanceOf(Uint8Array);
    expect(split.xTest.pixels.length).toBe(6 * 36);
    // Each picked row is a row of x, with its own label.
    for (let r = 0; r < 6; r++) {
      const row = split.xTest.pixels.subarray(r * 36, (r + 1) * 36);
      const source = Array.from({ length: 30 }, (_, i) => i).find((i) => bytes.subarray(i * 36, (i + 1) * 36).every((v, p) => v === row[p]));
      expect(source).toBeDefined();
      expect(split.yTest[r]).toBe(labels[source!]);
    }
  });

  it("loadMnist's package digits are bytes whose v/255 rounds to the package's three decimals", async () => {
    const { train } = await nn.data.loadMnist({ trainSize: 50, testSize: 0, seed: 0 });
    const all = new Set<number>();
    const require = createRequire(import.meta.url);
    for (let digit = 0; digit < 10; digit++) for (const v of (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data) all.add(v);
    // Every value the package holds is some v/255 to three decimals, and no two share a v.
    const levels = new Map([...all].map((value) => [Math.round(value * 255), value]));
    expect(levels.size).toBe(all.size);
    for (const [v, value] of levels) expect(Number((v / 255).toFixed(3))).toBe(value);
    expect(train.x.scale).toBe(1 / 255);
    expect(train.x.pixels.some((v) => v === 255)).toBe(true);
  });
});

describe('takeRowsInPlace (the IDX loaders)', () => {
  it('gives what the copying takeRows gives, for whole permutations and their prefixes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 9 }), fc.nat(), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (n, rowSize, cut, seed) => {
        const random = new Random(seed);
        const x = Uint8Array.from({ length: n * rowSize }, () => Math.floor(random.next() * 256));
        const y = Float32Array.from({ length: n }, (_, i) => i % 7);
        const order = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
        const size = cut % (n + 1);
        const copied = takeRows(x, y, order.subarray(0, size), [rowSize], 7);
        const inPlace = takeRowsInPlace(x.slice(), y, order, size, [rowSize], 7);
        expect(inPlace.x.pixels).toEqual(copied.x.pixels);
        expect(inPlace.y).toEqual(copied.y);
        expect([inPlace.n, inPlace.x.scale]).toEqual([size, 1 / 255]);
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});
