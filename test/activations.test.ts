// Each activation against a float64 formula written out here, apart from the kernels' code,
// on every backend (reference, wasm plain, wasm relaxed): the forward f(x), and the backward
// dy·f'(x) computed the way a layer runs it (from the backend's own y, or x for gelu and swish).
// Inputs come in odd sizes, around 0 and out to |x| = 100. The derivative formulas are checked
// against central differences of f first, so the kernels are held to a true derivative.

import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { ACTIVATION_KINDS, derivativeFromInput, type ActivationKind, type Kernels } from '../src/backend/kernels.js';
import { erfc } from '../src/backend/erfc.js';
import { getActivation } from '../src/activations.js';
import { allBackends, plain } from './helpers/kernel-backends.js';
import { ConfigError } from '../src/errors.js';

const U = 2 ** -24;
const TINY = 2 ** -140;
const LAMBDA = 1.0507009873554805, A = 1.6732632423543772; // SELU's λ and a

const sigma = (x: number): number => 1 / (1 + Math.exp(-x));
const Phi = (x: number): number => erfc(-x / Math.SQRT2) / 2; // erfc: checked in test/backend/erfc.test.ts
const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

interface Formula {
  f(x: number, alpha: number): number;
  df(x: number, alpha: number): number;
  /** A bound on the terms f' is made of (|y|, α, Φ, |x|·φ, ...): float32 error is relative to it. */
  scale: number;
}

/** f and f' in float64, in the textbook form (α ≤ 1 for leakyRelu, so max(x, αx) is it). */
const FORMULAS: Record<ActivationKind, Formula> = {
  relu: { f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), scale: 1 },
  sigmoid: { f: sigma, df: (x) => sigma(x) * (1 - sigma(x)), scale: 1 },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2, scale: 1 },
  leakyRelu: { f: (x, a) => Math.max(x, a * x), df: (x, a) => (x > 0 ? 1 : a), scale: 1 },
  elu: { f: (x, a) => (x > 0 ? x : a * Math.expm1(x)), df: (x, a) => (x > 0 ? 1 : a * Math.exp(x)), scale: 2 },
  selu: { f: (x) => LAMBDA * (x > 0 ? x : A * Math.expm1(x)), df: (x) => LAMBDA * (x > 0 ? 1 : A * Math.exp(x)), scale: LAMBDA * (1 + A) },
  gelu: { f: (x) => x * Phi(x), df: (x) => Phi(x) + x * phi(x), scale: 1.3 },
  softplus: { f: (x) => (x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), df: sigma, scale: 1 },
  swish: { f: (x) => x * sigma(x), df: (x) => sigma(x) * (1 + x * (1 - sigma(x))), scale: 1.2 },
};

/** Odd sizes: below one f32x4 vector, a vector plus a tail, several vectors plus a tail. */
const size = fc.oneof(fc.constantFrom(1, 3, 5, 7, 37), fc.integer({ min: 1, max: 101 }));
const inputs = (n: number, bound: number): fc.Arbitrary<Float32Array> =>
  fc.float32Array({ minLength: n, maxLength: n, min: Math.fround(-bound), max: Math.fround(bound), noNaN: true });
/** Values in [-10, 10], near 0 (|x| ≤ 1e-3), and out to |x| = 100. */
const xs = size.chain((n) => fc.oneof(inputs(n, 10), inputs(n, 1e-3), inputs(n, 100)));

function run(k: Kernels, kind: ActivationKind, x: Float32Array, dy: Float32Array, alpha: number): { y: Float32Array; dx: Float32Array } {
  const n = x.length;
  const X = k.alloc(n), Y = k.alloc(n), DY = k.alloc(n), DX = k.alloc(n);
  try {
    X.view().set(x);
    DY.view().set(dy);
    k.activationForward(kind, X, Y, n, alpha);
    k.activationBackward(kind, derivativeFromInput(kind) ? X : null, Y, DY, DX, n, alpha);
    return { y: Y.view().slice(), dx: DX.view().slice() };
  } finally {
    for (const s of [X, Y, DY, DX]) k.free(s);
  }
}

describe('the float64 derivatives are the derivatives of the float64 formulas', () => {
  for (const kind of ACTIVATION_KINDS) {
    it(`${kind}: f' matches (f(x+h) - f(x-h))/2h away from the kink at 0`, () => {
      const { f, df } = FORMULAS[kind];
      for (let x = -8; x <= 8; x += 0.37) {
        const h = 1e-6;
        expect(Math.abs((f(x + h, 0.3) - f(x - h, 0.3)) / (2 * h) - df(x, 0.3)), `x = ${x}`).toBeLessThan(1e-8);
      }
    });
  }
});

describe.each(allBackends)('activations against float64 formulas on $label', ({ kernels: k }) => {
  it.each(ACTIVATION_KINDS)('%s: forward within 8 ulps of f(x), backward within 16U·|dy|·scale of dy·f\'(x)', (kind) => {
    const { f, df, scale } = FORMULAS[kind];
    const arb = fc.record({ x: xs, alpha: fc.constantFrom(0.01, 0.2, 0.3, 1) });
    fc.assert(fc.property(arb, ({ x, alpha }) => {
      const dy = x.map((v, i) => Math.fround(((i % 7) - 3) / 2 + v / 64));
      const { y, dx } = run(k, kind, x, dy, alpha);
      for (let i = 0; i < x.length; i++) {
        const expected = f(x[i], alpha);
        if (!(Math.abs(y[i] - expected) <= 8 * U * Math.abs(expected) + TINY)) throw new Error(`${kind}(${x[i]}) = ${y[i]}, expected ${expected}`);
        const grad = dy[i] * df(x[i], alpha);
        if (!(Math.abs(dx[i] - grad) <= 16 * U * Math.abs(dy[i]) * scale + TINY)) throw new Error(`${kind}'(${x[i]})·${dy[i]} = ${dx[i]}, expected ${grad}`);
      }
    }), { seed: 9, numRuns: 60 });
  });
});

describe('gelu in the wasm kernel is the exact (erfc) gelu to float32 precision', () => {
  it('within 1.5 ulps of x·Φ(x) at 200,001 points of [-12, 12] where the result is a normal float32 (measured: 1.2)', () => {
    const n = 200_001;
    const x = Float32Array.from({ length: n }, (_, i) => Math.fround(-12 + (24 * i) / (n - 1)));
    const { y } = run(plain, 'gelu', x, new Float32Array(n), 0);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const expected = x[i] * Phi(x[i]);
      if (Math.abs(expected) >= 2 ** -126) worst = Math.max(worst, Math.abs(y[i] - expected) / (U * Math.abs(expected)));
    }
    expect(worst).toBeLessThan(1.5);
  });

  it('differs from the tanh approximation (Keras approximate=True) by up to 4.7e-4, which it is not', () => {
    const x = Float32Array.of(-3, -2, -1, 1, 2, 3);
    const { y } = run(plain, 'gelu', x, new Float32Array(x.length), 0);
    const tanhForm = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const gap = Math.max(...Array.from(x, (v, i) => Math.abs(y[i] - tanhForm(v))));
    expect(gap).toBeGreaterThan(1e-4);
    expect(gap).toBeLessThan(1e-3);
  });
});

describe('activation names', () => {
  it('takes Keras snake_case and silu as aliases, and lists them when a name is unknown', () => {
    expect(getActivation('leaky_relu', 'dense')).toBe('leakyRelu');
    expect(getActivation('silu', 'dense')).toBe('swish');
    expect(getActivation('gelu', 'dense')).toBe('gelu');
    expect(() => getActivation('mish', 'dense')).toThrow(ConfigError);
    expect(() => getActivation('mish', 'dense')).toThrow(/unknown activation 'mish'; expected one of .*gelu, softplus, swish \(or leaky_relu, silu\)/);
  });
});

describe('the activations agree with TensorFlow.js 4.22 (cpu backend)', () => {
  it('elu, selu, softplus, swish, gelu by name, and leakyRelu as tf.leakyRelu (α 0.2) and the LeakyReLU layer (α 0.3)', async () => {
    const tf = await import('@tensorflow/tfjs');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // its "install tfjs-node" notice
    await tf.setBackend('cpu');
    warn.mockRestore();
    const x = Float32Array.from({ length: 241 }, (_, i) => Math.fround(-12 + i / 10));
    const tfjs = (f: (t: import('@tensorflow/tfjs').Tensor) => import('@tensorflow/tfjs').Tensor): Float32Array => {
      const input = tf.tensor1d(x);
      const output = f(input);
      const values = output.dataSync() as Float32Array;
      tf.dispose([input, output]);
      return values;
    };
    const byName = (name: string) => (t: import('@tensorflow/tfjs').Tensor) => tf.layers.activation({ activation: name as never }).apply(t) as import('@tensorflow/tfjs').Tensor;
    const cases: [ActivationKind, number, Float32Array][] = [
      ['elu', 1, tfjs(byName('elu'))],
      ['selu', 0, tfjs(byName('selu'))],
      ['softplus', 0, tfjs(byName('softplus'))],
      ['swish', 0, tfjs(byName('swish'))],
      ['gelu', 0, tfjs(byName('gelu'))],
      ['leakyRelu', 0.2, tfjs((t) => tf.leakyRelu(t))],
      ['leakyRelu', 0.3, tfjs((t) => tf.layers.leakyReLU().apply(t) as import('@tensorflow/tfjs').Tensor)],
    ];
    for (const [kind, alpha, expected] of cases) {
      const { y } = run(plain, kind, x, new Float32Array(x.length), alpha);
      // TF.js's elu computes e^x - 1 (no expm1) and its gelu an erf good to 1.5e-7 absolute: 1e-6 covers both.
      for (let i = 0; i < x.length; i++) expect(Math.abs(y[i] - expected[i]), `${kind}(${x[i]})`).toBeLessThan(1e-6 * (1 + Math.abs(x[i])));
    }
  });
});
