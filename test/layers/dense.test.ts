import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Float64ReferenceKernels } from '../helpers/backends.js';
import { dense } from '../../src/layers/dense.js';
import { activation } from '../../src/layers/activation.js';
import { leakyReLU } from '../../src/layers/leaky-relu.js';
import { elu } from '../../src/layers/elu.js';
import { ACTIVATION_KINDS, type ActivationKind, type Kernels, type Storage } from '../../src/backend/kernels.js';
import { erfc } from '../../src/backend/erfc.js';
import { plain } from '../helpers/kernel-backends.js';
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
function layerGradientError(
  layer: Layer, rows: number, inputShape: number[], seed: number, perturb?: (g: Float64Array, which: string) => void, kernels: Kernels = k64,
): number {
  const random = new Random(seed);
  buildLayer(layer, kernels, inputShape, seed);
  const cols = inputShape.reduce((a, b) => a * b, 1);
  const x = batchOf(kernels, randomValues(random, rows * cols, 2), rows, cols);
  const r = randomValues(random, rows * layer.outputSize);
  const f = (): number => dot(r, layer.forward(x, true));
  f();
  const dy = batchOf(kernels, r, rows, layer.outputSize);
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

/** Every activation a Dense or Activation layer takes. */
const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'selu', 'gelu', 'softplus', 'swish'] as const;

describe('Dense backward matches central differences (float64)', () => {
  for (const act of ACTIVATIONS) {
    it(`activation ${act}, random shapes`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (rows, inputs, units, seed) => {
          const err = layerGradientError(dense({ units, activation: act, inputShape: [inputs] }), rows, [inputs], seed);
          // relu, leakyRelu and selu have a kink at 0; random inputs land within h of it with probability ~1e-5.
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

/**
 * The wasm backend's backward against central differences in float64: the same Dense layer is
 * built on wasm and on the float64 reference with the same float32 weights and input; wasm's dx
 * and weight gradients (float32 throughout) are compared with the float64 numeric gradients of
 * f(x, θ) = Σ r ⊙ layer(x). Central differences taken in float32 itself would need h ~ 1e-2,
 * too coarse near the kinks of relu, leakyRelu and selu; in float64 h = 1e-5 suffices.
 */
function wasmGradientError(units: number, act: string, rows: number, inputs: number, seed: number): number {
  const random = new Random(seed);
  const onWasm = buildLayer(dense({ units, activation: act, inputShape: [inputs] }), plain, [inputs], seed);
  const onFloat64 = buildLayer(dense({ units, activation: act, inputShape: [inputs] }), k64, [inputs], seed);
  onWasm.weights().forEach((w, i) => {
    onFloat64.weights()[i].value.data.set(w.value.data);
  });
  const x = randomValues(random, rows * inputs, 2).map(Math.fround);
  const r = randomValues(random, rows * units).map(Math.fround);
  const x64 = batchOf(k64, x, rows, inputs);
  const f = (): number => dot(r, onFloat64.forward(x64, true));
  onWasm.forward(batchOf(plain, x, rows, inputs), true);
  let worst = gradientError(copyOut(onWasm.backward(batchOf(plain, r, rows, units), true)), numericGradient(f, x64.storage.view()));
  onFloat64.weights().forEach((w, i) => {
    worst = Math.max(worst, gradientError(Float64Array.from(onWasm.weights()[i].grad!.data), numericGradient(f, w.value.data)));
  });
  return worst;
}

describe('Dense backward on wasm matches float64 central differences (float32 tolerance)', () => {
  for (const act of ACTIVATIONS) {
    it(`activation ${act}, random shapes: within 1e-5 of the gradient's scale`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (rows, inputs, units, seed) => {
          expect(wasmGradientError(units, act, rows, inputs, seed)).toBeLessThan(1e-5); // measured ≤ 1.7e-7
        }),
        { seed: 17, numRuns: 10 },
      );
    });
  }
});

/**
 * The float64 reference with one activation's derivative replaced by a plausible slip: a term
 * dropped, a constant forgotten, the wrong branch. The gradient check must fail on each.
 */
class WrongDerivativeKernels extends Float64ReferenceKernels {
  constructor(private readonly wrong: ActivationKind) {
    super();
  }

  override activationBackward(kind: ActivationKind, x: Storage | null, y: Storage | null, dy: Storage, dx: Storage, n: number, alpha: number): void {
    if (kind !== this.wrong) {
      super.activationBackward(kind, x, y, dy, dx, n, alpha);
      return;
    }
    const X = x?.view(), Y = y!.view(), DY = dy.view(), DX = dx.view();
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    for (let i = 0; i < n; i++) {
      const slope = {
        relu: () => (Y[i] > 0 ? 0 : 1), //                   the mask inverted
        sigmoid: () => Y[i], //                              y instead of y(1 - y)
        tanh: () => 1 - Y[i], //                             1 - y instead of 1 - y²
        leakyRelu: () => (Y[i] > 0 ? 1 : 0), //              α forgotten: relu's derivative
        elu: () => (Y[i] > 0 ? 1 : Y[i]), //                 α·e^x written as y, the + α dropped
        selu: () => (Y[i] > 0 ? 1 : Y[i] + 1.7580993408473766), // λ forgotten above 0
        gelu: () => erfc(-X![i] / Math.SQRT2) / 2, //        Φ(x) only, the x·φ(x) term dropped
        softplus: () => Math.exp(-Y[i]), //                  e^-y instead of 1 - e^-y
        swish: () => sigmoid(X![i]), //                      σ(x) only, the x·σ(x)·(1 - σ(x)) term dropped
      }[kind]();
      DX[i] = DY[i] * slope;
    }
  }
}

describe('the gradient checks catch a wrong activation derivative', () => {
  for (const kind of ACTIVATION_KINDS) {
    it(`${kind}: a slip in f' fails the check on Dense and on Activation`, () => {
      const wrong = new WrongDerivativeKernels(kind);
      expect(layerGradientError(dense({ units: 4, activation: kind, inputShape: [5] }), 6, [5], 21)).toBeLessThan(1e-6);
      expect(layerGradientError(dense({ units: 4, activation: kind, inputShape: [5] }), 6, [5], 21, undefined, wrong)).toBeGreaterThan(1e-2);
      expect(layerGradientError(activation({ activation: kind, inputShape: [5] }), 6, [5], 22, undefined, wrong)).toBeGreaterThan(1e-2);
    });
  }
});

describe('Activation, LeakyReLU, ELU and Flatten layers', () => {
  for (const act of ACTIVATIONS) {
    it(`activation layer ${act} backward`, () => {
      expect(layerGradientError(activation({ activation: act, inputShape: [5] }), 3, [5], 11)).toBeLessThan(1e-6);
    });
  }
  it('leakyReLU and elu layers with their own α: backward, config, defaults 0.3 and 1 (Keras\'s layers)', () => {
    expect(layerGradientError(leakyReLU({ alpha: 0.1, inputShape: [6] }), 4, [6], 12)).toBeLessThan(1e-6);
    expect(layerGradientError(elu({ alpha: 0.5, inputShape: [6] }), 4, [6], 13)).toBeLessThan(1e-6);
    const leaky = leakyReLU({ alpha: 0.1, inputShape: [2] });
    buildLayer(leaky, k64, [2]);
    expect(copyOut(leaky.forward(batchOf(k64, [-2, 3], 1, 2), false))).toEqual(Float64Array.from([-0.2, 3]));
    expect(leaky.getConfig()).toMatchObject({ alpha: 0.1 });
    expect(leaky.className).toBe('LeakyReLU');
    expect(leaky.name).toMatch(/^leaky_re_lu/);
    expect(leakyReLU().alpha).toBe(0.3);
    expect(elu().alpha).toBe(1);
    expect(elu().className).toBe('ELU');
    // The activation functions by name take Keras's function defaults instead: 0.2 and 1.
    expect(activation({ activation: 'leaky_relu' }).alpha).toBe(0.2);
    expect(activation({ activation: 'elu' }).alpha).toBe(1);
    expect(() => leakyReLU({ alpha: -0.1 })).toThrow(/leakyReLU: alpha must be ≥ 0, got -0.1/);
    expect(() => elu({ alpha: 0 })).toThrow(/elu: alpha must be > 0, got 0/);
    expect(() => leakyReLU({ negativeSlope: 0.1 } as never)).toThrow(ConfigError);
  });
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

