import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Float64ReferenceKernels } from './helpers/backends.js';
import { computeLoss, getLoss, isFused, type LossName } from '../src/losses.js';
import { ConfigError } from '../src/errors.js';
import { Random } from '../src/random.js';
import { gradientError, numericGradient } from './helpers/gradcheck.js';
import { batchOf, copyOut, randomValues } from './helpers/layers.js';

const k64 = new Float64ReferenceKernels();

function softmaxRows(z: Float64Array, rows: number, cols: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity, sum = 0;
    for (let j = 0; j < cols; j++) max = Math.max(max, z[i * cols + j]);
    for (let j = 0; j < cols; j++) sum += Math.exp(z[i * cols + j] - max);
    for (let j = 0; j < cols; j++) p[i * cols + j] = Math.exp(z[i * cols + j] - max) / sum;
  }
  return p;
}

/** Targets for a loss: labels, one-hot rows, or values in [0, 1]. */
function targetsFor(loss: LossName, random: Random, rows: number, cols: number): Float64Array {
  if (loss === 'sparseCategoricalCrossentropy') return Float64Array.from({ length: rows }, () => random.int(cols));
  if (loss === 'categoricalCrossentropy') {
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) t[i * cols + random.int(cols)] = 1;
    return t;
  }
  if (loss === 'binaryCrossentropy') return Float64Array.from({ length: rows * cols }, () => random.int(2));
  return randomValues(random, rows * cols);
}

/**
 * Mean loss as a function of the quantity the gradient is taken against: the logits
 * (fused) or the outputs (unfused), checked against central differences.
 */
function lossGradientError(loss: LossName, fused: boolean, rows: number, cols: number, seed: number): number {
  const random = new Random(seed);
  const raw = randomValues(random, rows * cols, 3);
  const t = targetsFor(loss, random, rows, cols);
  const targets = batchOf(k64, t, rows, loss === 'sparseCategoricalCrossentropy' ? 1 : cols);
  const input = batchOf(k64, raw, rows, cols);
  const grad = batchOf(k64, new Float64Array(rows * cols), rows, cols);
  if (fused) {
    // ∂(mean loss)/∂logits; the fused losses read only the logits (and the output's size)
    const f = (): number => computeLoss(k64, loss, { output: input, logits: input, targets, grad }) / rows;
    f();
    return gradientError(copyOut(grad), numericGradient(f, input.storage.view()));
  }
  // unfused: ∂(mean loss)/∂outputs, at outputs that are valid probabilities
  const probs = loss === 'meanSquaredError' ? raw
    : loss === 'binaryCrossentropy' ? raw.map((s) => 1 / (1 + Math.exp(-s)))
    : softmaxRows(raw, rows, cols);
  const output = batchOf(k64, probs, rows, cols);
  const f = (): number => computeLoss(k64, loss, { output, logits: null, targets, grad }) / rows;
  f();
  return gradientError(copyOut(grad), numericGradient(f, output.storage.view(), 1e-6));
}

describe('loss gradients match central differences (float64)', () => {
  const cases: [LossName, boolean][] = [
    ['sparseCategoricalCrossentropy', true],
    ['categoricalCrossentropy', true],
    ['binaryCrossentropy', true],
    ['sparseCategoricalCrossentropy', false],
    ['categoricalCrossentropy', false],
    ['binaryCrossentropy', false],
    ['meanSquaredError', false],
  ];
  for (const [loss, fused] of cases) {
    it(`${loss} ${fused ? 'fused with its activation' : 'on outputs'}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (rows, cols, seed) => {
          expect(lossGradientError(loss, fused, rows, cols, seed)).toBeLessThan(1e-5);
        }),
        { seed: 3, numRuns: 20 },
      );
    });
  }
});

describe('loss values', () => {
  it('cross-entropy of uniform logits over n classes is ln n', () => {
    const z = batchOf(k64, new Float64Array(8), 2, 4);
    const t = batchOf(k64, [1, 3], 2, 1);
    const g = batchOf(k64, new Float64Array(8), 2, 4);
    const sum = computeLoss(k64, 'sparseCategoricalCrossentropy', { output: z, logits: z, targets: t, grad: g });
    expect(sum / 2).toBeCloseTo(Math.log(4), 12);
  });
  it('MSE is the mean over units of squared error', () => {
    const y = batchOf(k64, [1, 2, 3, 4], 2, 2);
    const t = batchOf(k64, [0, 0, 3, 6], 2, 2);
    const g = batchOf(k64, new Float64Array(4), 2, 2);
    // sample 1: (1 + 4)/2 = 2.5; sample 2: (0 + 4)/2 = 2
    expect(computeLoss(k64, 'meanSquaredError', { output: y, logits: null, targets: t, grad: g })).toBeCloseTo(4.5, 12);
  });
  it('binary cross-entropy on probabilities clips to [1e-7, 1-1e-7] as Keras does', () => {
    const y = batchOf(k64, [0], 1, 1), t = batchOf(k64, [1], 1, 1), g = batchOf(k64, [0], 1, 1);
    expect(computeLoss(k64, 'binaryCrossentropy', { output: y, logits: null, targets: t, grad: g })).toBeCloseTo(-Math.log(1e-7), 6);
  });
  it('accepts Keras snake_case names and lists the valid ones otherwise', () => {
    expect(getLoss('sparse_categorical_crossentropy')).toBe('sparseCategoricalCrossentropy');
    expect(getLoss('mse')).toBe('meanSquaredError');
    expect(() => getLoss('hinge')).toThrow(ConfigError);
    expect(() => getLoss('hinge')).toThrow(/categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError/);
  });
  it('fuses only softmax with cross-entropy and sigmoid with binary cross-entropy', () => {
    expect(isFused('categoricalCrossentropy', 'softmax')).toBe(true);
    expect(isFused('binaryCrossentropy', 'sigmoid')).toBe(true);
    expect(isFused('meanSquaredError', 'softmax')).toBe(false);
    expect(isFused('categoricalCrossentropy', 'linear')).toBe(false);
  });
});
