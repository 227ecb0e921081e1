import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Kernels } from '../../src/backend/kernels.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import { loadWasmKernels } from '../../src/backend/wasm.js';
import { Dropout, dropout, type DropoutArgs } from '../../src/layers/dropout.js';
import { layerClasses } from '../../src/io/layer-classes.js';
import { serialize } from '../../src/io/registry.js';
import { Random } from '../../src/random.js';
import { ConfigError, ValueError } from '../../src/errors.js';
import { batchOf, buildLayer, copyOut, randomValues } from '../helpers/layers.js';

/** The backends a user runs: reference and both wasm builds. */
const backends: { label: string; k: Kernels }[] = [{ label: 'reference', k: new ReferenceKernels() }];

beforeAll(async () => {
  backends.push({ label: 'wasm plain', k: await loadWasmKernels({ relaxed: false }) });
  backends.push({ label: 'wasm relaxed', k: await loadWasmKernels({ relaxed: true }) });
});

/** A built dropout layer on backend k (model seed 7, layer index 2 unless given). */
function built(k: Kernels, args: DropoutArgs, features: number, modelSeed = 7, index = 2): Dropout {
  const layer = dropout(args);
  buildLayer(layer, k, [features], modelSeed, index);
  return layer;
}

/** Inputs in [-3, 3] with no zeros, so a zero output always means a dropped unit. */
function nonzeroValues(random: Random, n: number): Float32Array {
  return Float32Array.from(randomValues(random, n, 3), (v) => (v === 0 ? 1 : v));
}

/** The mask of the last training forward: backward of dy = 1 returns dx = mask. */
function maskOf(layer: Dropout, k: Kernels, rows: number, cols: number): Float64Array {
  return copyOut(layer.backward(batchOf(k, new Float32Array(rows * cols).fill(1), rows, cols)));
}

function bytes(a: Float64Array): string {
  return Buffer.from(Float32Array.from(a).buffer).toString('hex');
}

const rates = fc.double({ min: 0, max: 0.9, noNaN: true });
const shapes = fc.record({ rows: fc.integer({ min: 1, max: 9 }), cols: fc.integer({ min: 1, max: 19 }), seed: fc.integer({ min: 0, max: 1e9 }) });

describe('Dropout (inverted)', () => {
  it('inference returns the input itself, for any rate', () => {
    fc.assert(
      fc.property(rates, shapes, (rate, { rows, cols, seed }) => {
        for (const { k } of backends) {
          const layer = built(k, { rate }, cols);
          const x = batchOf(k, nonzeroValues(new Random(seed), rows * cols), rows, cols);
          const before = copyOut(x);
          const y = layer.forward(x, false);
          expect(y.storage).toBe(x.storage);
          expect(copyOut(y)).toEqual(before);
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('training output is 0 or x/(1-rate) elementwise, and backward reuses the forward mask', () => {
    fc.assert(
      fc.property(rates, shapes, (rate, { rows, cols, seed }) => {
        const random = new Random(seed);
        const xs = nonzeroValues(random, rows * cols), dys = Float32Array.from(randomValues(random, rows * cols, 2));
        for (const { label, k } of backends) {
          const layer = built(k, { rate }, cols);
          const y = copyOut(layer.forward(batchOf(k, xs, rows, cols), true));
          const dx = copyOut(layer.backward(batchOf(k, dys, rows, cols)));
          for (let i = 0; i < rows * cols; i++) {
            const kept = xs[i] / (1 - rate);
            // f32 rounding of 1/(1-rate) and of the product: 2 ulp
            if (y[i] !== 0) expect(Math.abs(y[i] - kept), label).toBeLessThanOrEqual(2.4e-7 * Math.abs(kept));
            // dx = dy·mask: zero exactly where y is zero, else dy/(1-rate)
            if (y[i] === 0) expect(dx[i] === 0).toBe(true); // +0 or -0 (a negative dy times 0)
            else expect(Math.abs(dx[i] - dys[i] / (1 - rate))).toBeLessThanOrEqual(2.4e-7 * Math.abs(dys[i] / (1 - rate)) + 1e-30);
          }
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('the kept fraction is within 5 binomial standard deviations of 1 - rate', () => {
    // K ~ Binomial(N, 1-rate): |K - N(1-rate)| ≤ 5·sqrt(N·rate·(1-rate)) fails with p < 6e-7.
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.9, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (rate, modelSeed) => {
        const rows = 64, cols = 37, n = rows * cols;
        const k = backends[0].k;
        const layer = built(k, { rate }, cols, modelSeed);
        layer.forward(batchOf(k, new Float32Array(n).fill(1), rows, cols), true);
        const kept = maskOf(layer, k, rows, cols).filter((v) => v !== 0).length;
        const sigma = Math.sqrt(n * rate * (1 - rate));
        expect(Math.abs(kept - n * (1 - rate)), `kept ${kept} of ${n} at rate ${rate}`).toBeLessThanOrEqual(5 * sigma);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('the mean over many masks ≈ the input (within 5 standard errors per element)', () => {
    // Over T steps, mean_t y_i has expectation x_i and standard error |x_i|·sqrt(rate/((1-rate)·T)).
    const rows = 4, cols = 9, n = rows * cols, T = 400, rate = 0.3;
    const x = nonzeroValues(new Random(11), n);
    for (const { label, k } of backends) {
      const layer = built(k, { rate }, cols);
      const input = batchOf(k, x, rows, cols);
      const sum = new Float64Array(n);
      for (let t = 0; t < T; t++) for (const [i, v] of copyOut(layer.forward(input, true)).entries()) sum[i] += v;
      for (let i = 0; i < n; i++) {
        const standardError = Math.abs(x[i]) * Math.sqrt(rate / ((1 - rate) * T));
        expect(Math.abs(sum[i] / T - x[i]), `${label} element ${i}`).toBeLessThanOrEqual(5 * standardError);
      }
    }
  });

  it('rate 0 is the exact identity in training', () => {
    for (const { k } of backends) {
      const x = nonzeroValues(new Random(3), 5 * 11);
      const layer = built(k, { rate: 0 }, 11);
      expect(copyOut(layer.forward(batchOf(k, x, 5, 11), true))).toEqual(Float64Array.from(x));
    }
  });
});

describe('Dropout masks: counter-based and reproducible', () => {
  it('are bit-identical on the reference and both wasm builds, step after step', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.9, noNaN: true }), shapes, fc.constantFrom<'inverted' | 'classic'>('inverted', 'classic'), (rate, { rows, cols, seed }, variant) => {
        const x = nonzeroValues(new Random(seed), rows * cols);
        const layers = backends.map(({ k }) => built(k, { rate, variant }, cols, seed));
        for (let step = 0; step < 3; step++) {
          const outputs = layers.map((layer, b) => bytes(copyOut(layer.forward(batchOf(backends[b].k, x, rows, cols), true))));
          const masks = layers.map((layer, b) => bytes(maskOf(layer, backends[b].k, rows, cols)));
          expect(new Set(outputs).size).toBe(1);
          expect(new Set(masks).size).toBe(1);
        }
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it('a new mask every training step; inference calls do not advance the step', () => {
    const k = backends[0].k, rows = 8, cols = 16, x = new Float32Array(rows * cols).fill(1);
    const a = built(k, { rate: 0.5 }, cols), b = built(k, { rate: 0.5 }, cols);
    const step0 = bytes(copyOut(a.forward(batchOf(k, x, rows, cols), true)));
    const step1 = bytes(copyOut(a.forward(batchOf(k, x, rows, cols), true)));
    expect(step1).not.toBe(step0);
    b.forward(batchOf(k, x, rows, cols), false);
    expect(bytes(copyOut(b.forward(batchOf(k, x, rows, cols), true)))).toBe(step0);
    expect(bytes(copyOut(b.forward(batchOf(k, x, rows, cols), true)))).toBe(step1);
  });

  it('the key uses the layer seed if given, else the model seed, and the layer index', () => {
    const k = backends[0].k, rows = 8, cols = 16, x = new Float32Array(rows * cols).fill(1);
    const first = (args: DropoutArgs, modelSeed: number, index: number): string =>
      bytes(copyOut(built(k, args, cols, modelSeed, index).forward(batchOf(k, x, rows, cols), true)));
    const base = first({ rate: 0.5 }, 7, 2);
    expect(first({ rate: 0.5 }, 7, 2)).toBe(base);
    expect(first({ rate: 0.5 }, 8, 2)).not.toBe(base); // model seed matters
    expect(first({ rate: 0.5 }, 7, 3)).not.toBe(base); // layer index matters
    expect(first({ rate: 0.5, seed: 7 }, 99, 2)).toBe(base); // own seed 7 overrides model seed 99
  });
});

describe('Dropout (classic)', () => {
  it('training keeps x unscaled, inference is (1-rate)·x, and both match inverted dropout in expectation', () => {
    const rows = 4, cols = 9, n = rows * cols, T = 400, rate = 0.4;
    const x = nonzeroValues(new Random(12), n);
    for (const { label, k } of backends) {
      const classic = built(k, { rate, variant: 'classic' }, cols);
      const inverted = built(k, { rate }, cols);
      const input = batchOf(k, x, rows, cols);
      const sum = new Float64Array(n);
      let unscaled = true, sameUnitsDropped = true;
      for (let t = 0; t < T; t++) {
        const yc = copyOut(classic.forward(input, true));
        const yi = copyOut(inverted.forward(input, true));
        for (let i = 0; i < n; i++) {
          unscaled &&= yc[i] === 0 || yc[i] === x[i];
          sameUnitsDropped &&= (yi[i] === 0) === (yc[i] === 0); // the same draws at the same step
          sum[i] += yc[i];
        }
      }
      expect(unscaled, label).toBe(true);
      expect(sameUnitsDropped, label).toBe(true);
      const inference = copyOut(classic.forward(input, false));
      for (let i = 0; i < n; i++) {
        expect(Math.abs(inference[i] - (1 - rate) * x[i]), `${label} inference`).toBeLessThanOrEqual(2.4e-7 * Math.abs(x[i]));
        // E[classic training] = (1-rate)·x = classic inference; stated bound: 5 standard errors
        const standardError = Math.abs(x[i]) * Math.sqrt(rate * (1 - rate) / T);
        expect(Math.abs(sum[i] / T - inference[i]), `${label} mean of element ${i}`).toBeLessThanOrEqual(5 * standardError);
        // inverted inference (x) = classic inference/(1-rate): the two forms agree up to that factor
        expect(Math.abs(inference[i] / (1 - rate) - x[i])).toBeLessThanOrEqual(3e-7 * Math.abs(x[i]));
      }
      // backward after an inference pass is the linear map: dx = (1-rate)·dy
      expect(copyOut(classic.backward(batchOf(k, x, rows, cols)))).toEqual(inference);
    }
  });
});

describe('Dropout arguments and config', () => {
  it('rate outside [0, 1) is a ValueError naming rate, the range and the value', () => {
    for (const rate of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => dropout({ rate })).toThrow(ValueError);
      expect(() => dropout({ rate })).toThrow(new RegExp(`rate must be a number in \\[0, 1\\), got ${String(rate)}`));
    }
    expect(() => dropout({ rate: 0.5, variant: 'gaussian' as 'classic' })).toThrow(ConfigError);
    expect(() => dropout({ rate: 0.5, seed: 1.5 })).toThrow(/seed must be an integer/);
  });

  it('getConfig has the Keras fields and round-trips', () => {
    expect(dropout({ rate: 0.3, name: 'd' }).getConfig()).toEqual({ name: 'd', trainable: true, dtype: 'float32', rate: 0.3, seed: null, variant: 'inverted' });
    const layer = new Dropout({ rate: 0.25, seed: 5, variant: 'classic', name: 'd2' });
    expect(layerClasses.fromConfig(serialize(layer), 'test').getConfig()).toEqual(layer.getConfig()); // through the className registry
  });

  it('has no weights and keeps the input shape', () => {
    const layer = built(backends[0].k, { rate: 0.5 }, 6);
    expect(layer.weights()).toEqual([]);
    expect(layer.outputShape).toEqual([6]);
  });
});
