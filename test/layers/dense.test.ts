import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Float64ReferenceKernels } from '../helpers/backends.js';
import { dense } from '../../src/layers/dense.js';
import { activation } from '../../src/layers/activation.js';
import { flatten } from '../../src/layers/flatten.js';
import type { Layer } from '../../src/layers/layer.js';
import { Random } from '../../src/random.js';
import { gradientError, numericGradient, scaleGradient } from '../helpers/gradcheck.js';
import { batchOf, buildLayer, copyOut, dot, randomValues } from '../helpers/layers.js';
import { ShapeError, ValueError, ConfigError } from '../../src/errors.js';

const k64 = new Float64ReferenceKernels();

/**
 * Checks a layer's backward against central differences of f(x, θ) = Σ r ⊙ layer(x):
 * ∂f/∂x must equal backward(r) and ∂f/∂θ the weight gradients backward writes.
 * Returns the worst relative error over x and every trainable weight.
 */
function layerGradientError(layer: Layer, rows: number, inputShape: number[], seed: number, perturb?: (g: Float64Array, which: string) => void): number {
  const random = new Random(seed);
  buildLayer(layer, k64, inputShape, seed);
  const cols = inputShape.reduce((a, b) => a * b, 1);
  const x = batchOf(k64, randomValues(random, rows * cols, 2), rows, cols);
  const r = randomValues(random, rows * layer.outputSize);
  const f = (): number => dot(r, layer.forward(x, true));
  f();
  const dy = batchOf(k64, r, rows, layer.outputSize);
  const dx = copyOut(layer.backward(dy, true));
  perturb?.(dx, 'x');
  let worst = gradientError(dx, numericGradient(f, x.storage.view()));
  for (const w of layer.weights().filter((w) => w.trainable)) {
    const analytic = Float64Array.from(w.grad!.data);
    perturb?.(analytic, w.name);
    worst = Math.max(worst, gradientError(analytic, numericGradient(f, w.value.data)));
  }
  return worst;
}

describe('Dense backward matches central differences (float64)', () => {
  for (const act of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const) {
    it(`activation ${act}, random shapes`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (rows, inputs, units, seed) => {
          const err = layerGradientError(dense({ units, activation: act, inputShape: [inputs] }), rows, [inputs], seed);
          // relu has a kink at 0; random inputs land on it with probability 0.
          expect(err).toBeLessThan(1e-6);
        }),
        { seed: 7, numRuns: 25 },
      );
    });
  }

  it('without bias', () => {
    expect(layerGradientError(dense({ units: 3, useBias: false, inputShape: [4] }), 3, [4], 3)).toBeLessThan(1e-6);
  });

  it('rejects a gradient with a wrong sign, a wrong scale or a missing term', () => {
    const make = () => dense({ units: 3, activation: 'tanh', inputShape: [4] });
    expect(layerGradientError(make(), 3, [4], 5)).toBeLessThan(1e-6);
    expect(layerGradientError(make(), 3, [4], 5, (g, which) => which === 'kernel' && scaleGradient(g, -1))).toBeGreaterThan(1e-2);
    expect(layerGradientError(make(), 3, [4], 5, (g, which) => which === 'x' && scaleGradient(g, 2))).toBeGreaterThan(1e-2);
    // a missing term: the bias gradient of the first unit dropped
    expect(layerGradientError(make(), 3, [4], 5, (g, which) => which === 'bias' && g.fill(0, 0, 1))).toBeGreaterThan(1e-2);
  });
});

describe('Activation and Flatten layers', () => {
  for (const act of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const) {
    it(`activation layer ${act} backward`, () => {
      expect(layerGradientError(activation({ activation: act, inputShape: [5] }), 3, [5], 11)).toBeLessThan(1e-6);
    });
  }
  it('flatten maps [3, 4] to [12] and passes gradients through', () => {
    const layer = flatten({ inputShape: [3, 4] });
    buildLayer(layer, k64, [3, 4]);
    expect(layer.outputShape).toEqual([12]);
    expect(layerGradientError(flatten({ inputShape: [3, 4] }), 2, [3, 4], 2)).toBeLessThan(1e-9);
  });
});

describe('Dense configuration', () => {
  it('computes x·W + b exactly on a hand example', () => {
    const layer = dense({ units: 2, inputShape: [3] });
    buildLayer(layer, k64, [3]);
    layer.weights()[0].value.data.set([1, 2, 3, 4, 5, 6]); // W = [[1,2],[3,4],[5,6]]
    layer.weights()[1].value.data.set([0.5, -1]);
    const y = layer.forward(batchOf(k64, [1, 1, 1, 2, 0, -1], 2, 3), false);
    expect(copyOut(y)).toEqual(Float64Array.from([9.5, 11, -2.5, -3])); // [2,0,-1]·W = [-3,-2], + b
  });
  it('rejects bad arguments with typed errors', () => {
    expect(() => dense({ units: 0 })).toThrow(ValueError);
    expect(() => dense({ units: 2.5 })).toThrow(/units must be a positive integer, got 2.5/);
    expect(() => dense({ units: 3, activation: 'relux' })).toThrow(ConfigError);
    expect(() => dense({ units: 3, activation: 'relux' })).toThrow(/linear, relu, sigmoid, tanh, softmax/);
    expect(() => dense({ units: 3, inputShape: [0] })).toThrow(ShapeError);
    const layer = dense({ units: 2, inputShape: [3, 3] });
    expect(() => buildLayer(layer, k64, [3, 3])).toThrow(/flatten/);
  });
  it('reports a Keras-style config', () => {
    const layer = dense({ units: 4, activation: 'relu', inputShape: [3], name: 'hidden' });
    buildLayer(layer, k64, [3]);
    expect(layer.getConfig()).toMatchObject({ name: 'hidden', units: 4, activation: 'relu', useBias: true });
  });
});

