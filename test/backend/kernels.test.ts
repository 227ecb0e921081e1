// Property tests of every kernel except gemm (tested in gemm.test.ts): both wasm builds
// (plain SIMD and relaxed SIMD) against the reference backend on random shapes that are
// below one f32x4 vector, not multiples of 4, and several vectors plus a tail; the aliasing
// rules of the contract; exact math on hand-computed cases; extreme logits; empty sizes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIVATION_KINDS, derivativeFromInput, type ActivationKind, type Kernels, type Storage, type TargetEncoding } from '../../src/backend/kernels.js';

import { erfc } from '../../src/backend/erfc.js';
import { ValueError } from '../../src/errors.js';
import { allBackends, plain, reference, relaxed, wasmBuilds } from '../helpers/kernel-backends.js';

const RUNS = { seed: 42, numRuns: 80 };
/** Unit roundoff of float32: one rounding moves a value by at most U·|value|. */
const U = 2 ** -24;
/** Absolute floor for results that underflow into float32 subnormals (spacing 2^-149). */
const TINY = 2 ** -140;
/** Guard floats after every buffer: a kernel must not write past the n values it is given. */
const PAD = 5;
const SENTINEL = 12345.5;

// ---- storage helpers ------------------------------------------------------------------------

/** Storages of one backend for one property run, freed together afterwards. */
class Scope {
  private readonly storages: Storage[] = [];
  constructor(readonly k: Kernels) {}

  /** A storage holding `values`, followed by PAD sentinel floats. */
  put(values: ArrayLike<number>): Storage {
    const s = this.k.alloc(values.length + PAD);
    const view = s.view();
    view.set(values);
    view.fill(SENTINEL, values.length);
    this.storages.push(s);
    return s;
  }

  zeros(n: number): Storage {
    return this.put(new Float32Array(n));
  }

  /** A copy of the first n values, after checking that the guard floats are intact. */
  read(s: Storage, n: number): Float32Array {
    const view = s.view();
    for (let i = n; i < view.length; i++) {
      if (view[i] !== SENTINEL) throw new Error(`kernel wrote past the end: element ${i} of a ${n}-value buffer is ${view[i]}`);
    }
    return view.slice(0, n);
  }

  /** Checks that an input the kernel only reads still holds `values`. */
  unchanged(s: Storage, values: ArrayLike<number>): void {
    expect(this.read(s, values.length)).toEqual(Float32Array.from(values));
  }

  dispose(): void {
    for (const s of this.storages) this.k.free(s);
  }
}

function scoped<T>(k: Kernels, body: (s: Scope) => T): T {
  const scope = new Scope(k);
  try {
    return body(scope);
  } finally {
    scope.dispose();
  }
}

/** Throws on the first element where |actual - expected| exceeds tolerance(i) (or is NaN). */
function assertClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: (i: number) => number): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = tolerance(i);
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} ± ${bound}`);
    }
  }
}

const exact = (): number => 0;

// ---- arbitraries -----------------------------------------------------------------------------

/** Lengths 1..3 (below one vector), 5, 6, 7, 37 (blocks plus a tail), and anything to 300. */
const length = fc.oneof(fc.constantFrom(1, 2, 3, 5, 6, 7, 9, 37), fc.integer({ min: 1, max: 300 }));
/** Matrix columns: below one vector, odd, and several vectors plus a tail. */
const cols = fc.oneof(fc.constantFrom(1, 2, 3, 5, 7, 13, 37), fc.integer({ min: 1, max: 37 }));
const rows = fc.integer({ min: 1, max: 12 });

/** `len` float32 values in [-bound, bound] (no NaN); with no bound, every finite float32. */
function floats(len: number, bound?: number): fc.Arbitrary<Float32Array> {
  const range = bound === undefined ? { noDefaultInfinity: true } : { min: Math.fround(-bound), max: Math.fround(bound) };
  return fc.float32Array({ minLength: len, maxLength: len, noNaN: true, ...range });
}

const scalar = (bound: number): fc.Arbitrary<number> => fc.float({ min: Math.fround(-bound), max: Math.fround(bound), noNaN: true });

const matrix = (bound?: number) =>
  fc.tuple(rows, cols).chain(([m, n]) => fc.record({ m: fc.constant(m), n: fc.constant(n), x: floats(m * n, bound) }));

// ---- runners: one kernel call on one backend, from plain arrays to plain arrays -------------

function runBiasAdd(k: Kernels, x: Float32Array, bias: Float32Array, m: number, n: number, inPlace = false): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x), B = s.put(bias);
    const Y = inPlace ? X : s.zeros(m * n);
    k.biasAdd(X, B, Y, m, n);
    s.unchanged(B, bias);
    if (!inPlace) s.unchanged(X, x);
    return s.read(Y, m * n);
  });
}

function runColumnSums(k: Kernels, x: Float32Array, out0: Float32Array, m: number, n: number, accumulate: boolean): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x), O = s.put(out0);
    k.columnSums(X, O, m, n, accumulate);
    s.unchanged(X, x);
    return s.read(O, n);
  });
}

function runForward(k: Kernels, kind: ActivationKind, x: Float32Array, inPlace = false, alpha = 0): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x);
    const Y = inPlace ? X : s.zeros(x.length);
    k.activationForward(kind, X, Y, x.length, alpha);
    if (!inPlace) s.unchanged(X, x);
    return s.read(Y, x.length);
  });
}

/**
 * dx for dy, from `saved`: the forward input x for gelu and swish, the output y for the other
 * kinds (derivativeFromInput), with null for the other one.
 */
function runBackward(k: Kernels, kind: ActivationKind, saved: Float32Array, dy: Float32Array, inPlace = false, alpha = 0): Float32Array {
  return scoped(k, (s) => {
    const S = s.put(saved), DY = s.put(dy);
    const DX = inPlace ? DY : s.zeros(saved.length);
    const fromInput = derivativeFromInput(kind);
    k.activationBackward(kind, fromInput ? S : null, fromInput ? null : S, DY, DX, saved.length, alpha);
    s.unchanged(S, saved);
    if (!inPlace) s.unchanged(DY, dy);
    return s.read(DX, saved.length);
  });
}

function runSoftmax(k: Kernels, x: Float32Array, m: number, n: number, inPlace = false): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x);
    const Y = inPlace ? X : s.zeros(m * n);
    k.softmax(X, Y, m, n);
    if (!inPlace) s.unchanged(X, x);
    return s.read(Y, m * n);
  });
}

interface CrossEntropyCase {
  m: number;
  n: number;
  logits: Float32Array;
  /** m×n target rows ('onehot') or m class indices ('sparse'). */
  targets: Float32Array;
  encoding: TargetEncoding;
  gradScale: number;
}

function runCrossEntropy(k: Kernels, c: CrossEntropyCase, inPlace = false): { loss: number; grad: Float32Array } {
  return scoped(k, (s) => {
    const Z = s.put(c.logits), T = s.put(c.targets);
    const G = inPlace ? Z : s.zeros(c.m * c.n);
    const loss = k.softmaxCrossEntropy(Z, T, G, c.m, c.n, c.encoding, c.gradScale);
    s.unchanged(T, c.targets);
    if (!inPlace) s.unchanged(Z, c.logits);
    return { loss, grad: s.read(G, c.m * c.n) };
  });
}

function runScale(k: Kernels, x: Float32Array, alpha: number, inPlace = false): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x);
    const Y = inPlace ? X : s.zeros(x.length);
    k.scale(X, alpha, Y, x.length);
    if (!inPlace) s.unchanged(X, x);
    return s.read(Y, x.length);
  });
}

/** y = a + b, written to a fresh buffer, or into a or b. */
function runAdd(k: Kernels, a: Float32Array, b: Float32Array, into: 'y' | 'a' | 'b' = 'y'): Float32Array {
  return scoped(k, (s) => {
    const A = s.put(a), B = s.put(b);
    const Y = into === 'a' ? A : into === 'b' ? B : s.zeros(a.length);
    k.add(A, B, Y, a.length);
    if (into !== 'a') s.unchanged(A, a);
    if (into !== 'b') s.unchanged(B, b);
    return s.read(Y, a.length);
  });
}

function runAxpy(k: Kernels, alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x), Y = s.put(y);
    k.axpy(alpha, X, Y, x.length);
    s.unchanged(X, x);
    return s.read(Y, y.length);
  });
}

function runFill(k: Kernels, x: Float32Array, value: number): Float32Array {
  return scoped(k, (s) => {
    const X = s.put(x);
    k.fill(X, value, x.length);
    return s.read(X, x.length);
  });
}

function runCopy(k: Kernels, src: Float32Array, dst: Float32Array): Float32Array {
  return scoped(k, (s) => {
    const S = s.put(src), D = s.put(dst);
    k.copy(S, D, src.length);
    s.unchanged(S, src);
    return s.read(D, dst.length);
  });
}

// ---- cross-entropy cases and tolerances ---------------------------------------------------

/** Random targets: probability-like rows (any non-negative values) or one-hot rows. */
function crossEntropyCase(encoding: TargetEncoding, logitBound: number, oneHotRows = false): fc.Arbitrary<CrossEntropyCase> {
  return fc.tuple(rows, cols).chain(([m, n]) => {
    const labels = fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: m, maxLength: m });
    const targets: fc.Arbitrary<Float32Array> =
      encoding === 'sparse'
        ? labels.map((l) => Float32Array.from(l))
        : oneHotRows
          ? labels.map((l) => oneHot(l, n))
          : fc.float32Array({ minLength: m * n, maxLength: m * n, min: 0, max: 1, noNaN: true });
    const logits = fc.oneof(
      floats(m * n, logitBound),
      // rows at the very ends of the range, where exp overflows without the max shift
      fc.array(fc.constantFrom(-logitBound, logitBound, 0), { minLength: m * n, maxLength: m * n }).map((v) => Float32Array.from(v)),
    );
    return fc.record({
      m: fc.constant(m), n: fc.constant(n), logits, targets,
      encoding: fc.constant(encoding), gradScale: fc.oneof(fc.constant(1 / m), scalar(2)),
    });
  });
}

function oneHot(labels: number[], n: number): Float32Array {
  const t = new Float32Array(labels.length * n);
  labels.forEach((label, i) => {
    t[i * n + label] = 1;
  });
  return t;
}

/** Dense m×n targets of a case (sparse labels expanded to one-hot). */
function denseTargets(c: CrossEntropyCase): Float32Array {
  return c.encoding === 'sparse' ? oneHot(Array.from(c.targets), c.n) : c.targets;
}

function maxAbsOfRow(z: Float32Array, i: number, n: number): number {
  let max = 0;
  for (let j = 0; j < n; j++) max = Math.max(max, Math.abs(z[i * n + j]));
  return max;
}

/**
 * Loss tolerance: logsumexp(z) and logsumexp(z) - z are float32 values of size up to
 * 2·max|z| + ln n, and the row's sum of exponentials carries up to n roundings; each rounding
 * costs U of that size, weighted by the target mass Σ_j |t_ij|.
 */
function lossTolerance(c: CrossEntropyCase): number {
  const t = denseTargets(c);
  let tol = 0;
  for (let i = 0; i < c.m; i++) {
    let mass = 0;
    for (let j = 0; j < c.n; j++) mass += Math.abs(t[i * c.n + j]);
    tol += 8 * U * mass * (2 * maxAbsOfRow(c.logits, i, c.n) + c.n + 1);
  }
  return tol + 1e-12;
}

/**
 * Gradient tolerance for element (i, j): p = e^(z - logsumexp) is exp-based, so its error is
 * relative, U per unit of its argument's size (≤ 3·max|z| + n) plus a few roundings; then
 * p·Σt - t and the product with gradScale (itself rounded to float32 by wasm) round: 4U.
 */
function gradTolerance(c: CrossEntropyCase): (index: number) => number {
  const t = denseTargets(c);
  return (index) => {
    const i = Math.floor(index / c.n);
    let mass = 0, max = -Infinity, sum = 0;
    for (let j = 0; j < c.n; j++) {
      mass += t[i * c.n + j];
      max = Math.max(max, c.logits[i * c.n + j]);
    }
    for (let j = 0; j < c.n; j++) sum += Math.exp(c.logits[i * c.n + j] - max);
    const p = Math.exp(c.logits[index] - max) / sum;
    const rho = (3 * maxAbsOfRow(c.logits, i, c.n) + c.n + 8) * U;
    return Math.abs(c.gradScale) * (p * Math.abs(mass) * rho + 4 * U * (Math.abs(p * mass) + Math.abs(t[index]))) + TINY;
  };
}

// ---- the activations added for Keras parity: inputs and tolerances ---------------------------

/** Activation inputs: the bulk in [-10, 10], values near 0, and |x| up to 100, where exponentials saturate. */
const activationInputs = (n: number): fc.Arbitrary<Float32Array> => fc.oneof(floats(n, 10), floats(n, 1e-3), floats(n, 100));
/** α as a float32 in (0, 3], so that both backends start from the same α. */
const alphas = fc.float({ min: Math.fround(0.01), max: 3, noNaN: true });

/** The kinds that compute with exponentials, whose wasm results differ from the reference by a few roundings. */
const SMOOTH_KINDS = ['elu', 'selu', 'gelu', 'softplus', 'swish'] as const;

/**
 * Forward, relative to |f(x)|: the reference rounds f(x) once. elu and selu: expm1f within one
 * ulp, then the product (selu's constant itself rounds to float32). gelu: computed in float64
 * from an erfc good to 1.5e-8 relative (assembly/normal.ts), then rounded once. softplus: expf,
 * log1pf and a sum. swish: the sigmoid (4U, as measured above for sigmoid), then x·σ.
 */
const FORWARD_ULPS: Record<(typeof SMOOTH_KINDS)[number], number> = { elu: 3, selu: 4, gelu: 3, softplus: 4, swish: 6 };

const SELU_SCALE = 1.0507009873554805, SELU_SCALE_ALPHA = 1.7580993408473766;
const normalCdf = (x: number): number => erfc(-x / Math.SQRT2) / 2;
const normalPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/**
 * Backward tolerance for element i, given what the kernel read (y, or x for gelu and swish):
 * - elu, selu: where y ≤ 0, y + α rounds by U·(|y| + α), absolute, where the two nearly cancel
 *   (x ≪ 0); then the product rounds.
 * - softplus: -expm1f(-y) within one ulp, then the product.
 * - gelu: f' = Φ + x·φ cancels near x = -0.75 (gelu's minimum), so its error is U relative to
 *   Φ + |x|·φ, not to f'; then f' and the product round.
 * - swish: f' = s·(1 + x·(1 - s)) cancels near x = -1.28 the same way: 8U relative to s·(1 + |x|·(1 - s)).
 */
function backwardTolerance(kind: (typeof SMOOTH_KINDS)[number], saved: number, dy: number, expected: number, alpha: number): number {
  const d = Math.abs(dy);
  switch (kind) {
    case 'elu': return 2 * U * d * (Math.abs(saved) + alpha) + 2 * U * Math.abs(expected) + TINY;
    case 'selu': return 2 * U * d * (Math.abs(saved) + SELU_SCALE_ALPHA) + 2 * U * Math.abs(expected) + TINY;
    case 'softplus': return 4 * U * Math.abs(expected) + TINY;
    case 'gelu': return 2 * U * d * (normalCdf(saved) + Math.abs(saved) * normalPdf(saved)) + 2 * U * Math.abs(expected) + TINY;
    case 'swish': {
      const s = 1 / (1 + Math.exp(-saved));
      return 8 * U * d * s * (1 + Math.abs(saved) * (1 - s)) + TINY;
    }
  }
}

// ---- wasm vs reference --------------------------------------------------------------------

describe('both wasm builds load', () => {
  it('plain is the plain build and relaxed the relaxed-SIMD build', () => {
    expect(plain.relaxed).toBe(false);
    expect(relaxed.relaxed).toBe(true);
  });
});

describe.each(wasmBuilds)('$label matches the reference', ({ kernels: wasm }) => {
  it('biasAdd (exact: one float32 addition per element in both)', () => {
    const arb = matrix(10).chain((c) => fc.record({ c: fc.constant(c), bias: floats(c.n, 10) }));
    fc.assert(fc.property(arb, ({ c, bias }) => {
      assertClose('y', runBiasAdd(wasm, c.x, bias, c.m, c.n), runBiasAdd(reference, c.x, bias, c.m, c.n), exact);
    }), RUNS);
  });

  it('columnSums, accumulate on and off (float32 running sum: m+2 roundings of Σ|x|)', () => {
    const arb = matrix(10).chain((c) => fc.record({ c: fc.constant(c), out0: floats(c.n, 10), accumulate: fc.boolean() }));
    fc.assert(fc.property(arb, ({ c, out0, accumulate }) => {
      const { m, n, x } = c;
      // Recursive summation error bound: (m + 2)·U·(Σ_i |x_ij| + |out_j| when accumulating).
      const tol = (j: number): number => {
        let sumAbs = accumulate ? Math.abs(out0[j]) : 0;
        for (let i = 0; i < m; i++) sumAbs += Math.abs(x[i * n + j]);
        return (m + 2) * U * sumAbs;
      };
      assertClose('out', runColumnSums(wasm, x, out0, m, n, accumulate), runColumnSums(reference, x, out0, m, n, accumulate), tol);
    }), RUNS);
  });

  it('relu forward on every finite float32 (exact: max(0, x) does not round)', () => {
    fc.assert(fc.property(length.chain((n) => floats(n)), (x) => {
      assertClose('y', runForward(wasm, 'relu', x), runForward(reference, 'relu', x), exact);
    }), RUNS);
  });

  it('sigmoid and tanh forward on [-10, 10] (relative 4 ulp: expf/expm1f ≈ 1 ulp, then an add and a divide; measured ≤ 2.6)', () => {
    const arb = fc.record({ kind: fc.constantFrom<ActivationKind>('sigmoid', 'tanh'), x: length.chain((n) => floats(n, 10)) });
    fc.assert(fc.property(arb, ({ kind, x }) => {
      const expected = runForward(reference, kind, x);
      assertClose(`${kind}(x)`, runForward(wasm, kind, x), expected, (i) => 4 * U * Math.abs(expected[i]) + TINY);
    }), RUNS);
  });

  it('relu, sigmoid, tanh backward through y = f(x)', () => {
    const arb = fc.record({
      kind: fc.constantFrom<ActivationKind>('relu', 'sigmoid', 'tanh'),
      xdy: length.chain((n) => fc.tuple(floats(n, 10), floats(n, 10))),
    });
    fc.assert(fc.property(arb, ({ kind, xdy: [x, dy] }) => {
      const y = runForward(reference, kind, x);
      const expected = runBackward(reference, kind, y, dy);
      const tol = (i: number): number => {
        // relu: exact (selects dy or 0). sigmoid: dy·y·(1-y) is three float32 roundings
        // where the reference has one. tanh: y² rounds by U·y² ≤ U before 1 - y², so the
        // error is absolute in dy, plus the relative roundings of the products.
        if (kind === 'relu') return 0;
        if (kind === 'sigmoid') return 4 * U * Math.abs(expected[i]) + TINY;
        return 2 * U * Math.abs(dy[i]) + 4 * U * Math.abs(expected[i]) + TINY;
      };
      assertClose(`${kind}'`, runBackward(wasm, kind, y, dy), expected, tol);
    }), RUNS);
  });

  it('leakyRelu forward and backward on every finite float32, with a float32 α (exact: α·x and α·dy round once in both)', () => {
    const arb = fc.record({ x: length.chain((n) => floats(n)), alpha: fc.float({ min: 0, max: 1, noNaN: true }) });
    fc.assert(fc.property(arb, ({ x, alpha }) => {
      const y = runForward(reference, 'leakyRelu', x, false, alpha);
      assertClose('y', runForward(wasm, 'leakyRelu', x, false, alpha), y, exact);
      const dy = x.map((v) => Math.fround(v / 3 + 1));
      assertClose('dx', runBackward(wasm, 'leakyRelu', y, dy, false, alpha), runBackward(reference, 'leakyRelu', y, dy, false, alpha), exact);
    }), RUNS);
  });

  it('elu, selu, gelu, softplus, swish forward on [-10, 10], near 0 and out to ±100 (FORWARD_ULPS)', () => {
    const arb = fc.record({ kind: fc.constantFrom(...SMOOTH_KINDS), x: length.chain(activationInputs), alpha: alphas });
    fc.assert(fc.property(arb, ({ kind, x, alpha }) => {
      const expected = runForward(reference, kind, x, false, alpha);
      const ulps = FORWARD_ULPS[kind];
      assertClose(`${kind}(x)`, runForward(wasm, kind, x, false, alpha), expected, (i) => ulps * U * Math.abs(expected[i]) + TINY);
    }), RUNS);
  });

  it('elu, selu, softplus backward through y, gelu and swish through x (backwardTolerance)', () => {
    const arb = fc.record({
      kind: fc.constantFrom(...SMOOTH_KINDS),
      xdy: length.chain((n) => fc.tuple(activationInputs(n), floats(n, 10))),
      alpha: alphas,
    });
    fc.assert(fc.property(arb, ({ kind, xdy: [x, dy], alpha }) => {
      const saved = derivativeFromInput(kind) ? x : runForward(reference, kind, x, false, alpha);
      const expected = runBackward(reference, kind, saved, dy, false, alpha);
      assertClose(`${kind}'`, runBackward(wasm, kind, saved, dy, false, alpha), expected, (i) => backwardTolerance(kind, saved[i], dy[i], expected[i], alpha));
    }), RUNS);
  });

  it('softmax on logits in [-50, 50] (relative 2e-5: rounding x - max (|·| ≤ 100) costs 100·U ≈ 6e-6, the row sum ≤ 37·U)', () => {
    fc.assert(fc.property(matrix(50), ({ m, n, x }) => {
      const expected = runSoftmax(reference, x, m, n);
      const actual = runSoftmax(wasm, x, m, n);
      assertClose('softmax', actual, expected, (i) => 2e-5 * expected[i] + TINY);
      for (let i = 0; i < m; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += actual[i * n + j];
        expect(Math.abs(sum - 1), `row ${i} sums to 1`).toBeLessThanOrEqual((n + 4) * 2 * U);
      }
    }), RUNS);
  });

  for (const encoding of ['onehot', 'sparse'] as const) {
    it(`softmaxCrossEntropy, ${encoding} targets, with gradScale (tolerances derived in lossTolerance/gradTolerance)`, () => {
      fc.assert(fc.property(crossEntropyCase(encoding, 10), (c) => {
        const expected = runCrossEntropy(reference, c);
        const actual = runCrossEntropy(wasm, c);
        assertClose('loss', [actual.loss], [expected.loss], () => lossTolerance(c));
        assertClose('grad', actual.grad, expected.grad, gradTolerance(c));
      }), RUNS);
    });
  }

  it('scale (exact: alpha is a float32 and αx rounds once in both)', () => {
    const arb = fc.record({ x: length.chain((n) => floats(n, 10)), alpha: scalar(10) });
    fc.assert(fc.property(arb, ({ x, alpha }) => {
      assertClose('y', runScale(wasm, x, alpha), runScale(reference, x, alpha), exact);
    }), RUNS);
  });

  it('add (exact: one float32 addition per element)', () => {
    const arb = length.chain((n) => fc.tuple(floats(n, 10), floats(n, 10)));
    fc.assert(fc.property(arb, ([a, b]) => {
      assertClose('y', runAdd(wasm, a, b), runAdd(reference, a, b), exact);
    }), RUNS);
  });

  it('axpy (2 ulp: wasm rounds αx, then y + αx; the reference rounds once)', () => {
    const arb = fc.record({ xy: length.chain((n) => fc.tuple(floats(n, 10), floats(n, 10))), alpha: scalar(10) });
    fc.assert(fc.property(arb, ({ xy: [x, y], alpha }) => {
      const tol = (i: number): number => 2 * U * (Math.abs(alpha * x[i]) + Math.abs(y[i])) + TINY;
      assertClose('y', runAxpy(wasm, alpha, x, y), runAxpy(reference, alpha, x, y), tol);
    }), RUNS);
  });

  it('fill (exact), also with values that are not float32 (both store fround(value))', () => {
    const arb = fc.record({ x: length.chain((n) => floats(n, 10)), value: fc.oneof(scalar(1e6), fc.double({ min: -1e6, max: 1e6, noNaN: true })) });
    fc.assert(fc.property(arb, ({ x, value }) => {
      const actual = runFill(wasm, x, value);
      assertClose('x', actual, runFill(reference, x, value), exact);
      expect(actual.every((v) => v === Math.fround(value))).toBe(true);
    }), RUNS);
  });

  it('copy (exact, bit for bit)', () => {
    const arb = length.chain((n) => fc.tuple(floats(n), floats(n, 10)));
    fc.assert(fc.property(arb, ([src, dst]) => {
      const actual = runCopy(wasm, src, dst);
      assertClose('dst', actual, runCopy(reference, src, dst), exact);
      expect(actual).toEqual(src);
    }), RUNS);
  });
});

// ---- aliasing: where an output may be an input, in place equals out of place -----------

describe.each(allBackends)('aliasing rules on $label', ({ kernels: k }) => {
  const ALIAS_RUNS = { seed: 7, numRuns: 30 };

  it('biasAdd with y = x', () => {
    const arb = matrix(10).chain((c) => fc.record({ c: fc.constant(c), bias: floats(c.n, 10) }));
    fc.assert(fc.property(arb, ({ c, bias }) => {
      expect(runBiasAdd(k, c.x, bias, c.m, c.n, true)).toEqual(runBiasAdd(k, c.x, bias, c.m, c.n));
    }), ALIAS_RUNS);
  });

  it('activationForward with y = x and activationBackward with dx = dy', () => {
    const arb = fc.record({
      kind: fc.constantFrom<ActivationKind>(...ACTIVATION_KINDS),
      xdy: length.chain((n) => fc.tuple(floats(n, 10), floats(n, 10))),
    });
    fc.assert(fc.property(arb, ({ kind, xdy: [x, dy] }) => {
      const y = runForward(k, kind, x, false, 0.5);
      expect(runForward(k, kind, x, true, 0.5)).toEqual(y);
      const saved = derivativeFromInput(kind) ? x : y;
      expect(runBackward(k, kind, saved, dy, true, 0.5)).toEqual(runBackward(k, kind, saved, dy, false, 0.5));
    }), ALIAS_RUNS);
  });

  it('softmax with y = x', () => {
    fc.assert(fc.property(matrix(50), ({ m, n, x }) => {
      expect(runSoftmax(k, x, m, n, true)).toEqual(runSoftmax(k, x, m, n));
    }), ALIAS_RUNS);
  });

  it('softmaxCrossEntropy with grad = logits, both encodings', () => {
    const arb = fc.oneof(crossEntropyCase('onehot', 10), crossEntropyCase('sparse', 10));
    fc.assert(fc.property(arb, (c) => {
      expect(runCrossEntropy(k, c, true)).toEqual(runCrossEntropy(k, c));
    }), ALIAS_RUNS);
  });

  it('scale with y = x, add with y = a and y = b', () => {
    const arb = fc.record({ ab: length.chain((n) => fc.tuple(floats(n, 10), floats(n, 10))), alpha: scalar(10) });
    fc.assert(fc.property(arb, ({ ab: [a, b], alpha }) => {
      expect(runScale(k, a, alpha, true)).toEqual(runScale(k, a, alpha));
      const sum = runAdd(k, a, b);
      expect(runAdd(k, a, b, 'a')).toEqual(sum);
      expect(runAdd(k, a, b, 'b')).toEqual(sum);
    }), ALIAS_RUNS);
  });
});

// ---- exact math on hand-computed cases ------------------------------------------------------

describe.each(allBackends)('hand-computed cases on $label', ({ kernels: k }) => {
  it('biasAdd, columnSums, scale, add, axpy, fill, copy', () => {
    expect(Array.from(runBiasAdd(k, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(10, 20, 30), 2, 3))).toEqual([11, 22, 33, 14, 25, 36]);
    expect(Array.from(runColumnSums(k, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(9, 9, 9), 2, 3, false))).toEqual([5, 7, 9]);
    expect(Array.from(runColumnSums(k, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(1, 1, 1), 2, 3, true))).toEqual([6, 8, 10]);
    expect(Array.from(runScale(k, Float32Array.of(1, -2, 3, 0.5, 7), -2))).toEqual([-2, 4, -6, -1, -14]);
    expect(Array.from(runAdd(k, Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(10, 20, 30, 40, 50)))).toEqual([11, 22, 33, 44, 55]);
    expect(Array.from(runAxpy(k, 3, Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(1, 1, 1, 1, 1)))).toEqual([4, 7, 10, 13, 16]);
    expect(Array.from(runFill(k, new Float32Array(5), 2.5))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(runCopy(k, Float32Array.of(1, 2, 3, 4, 5), new Float32Array(5)))).toEqual([1, 2, 3, 4, 5]);
  });

  it('relu: max(0, x); backward at y = 0 gives 0, at y > 0 passes dy', () => {
    expect(Array.from(runForward(k, 'relu', Float32Array.of(-3, -0, 0, 2, -1e-30, 1e30)))).toEqual([0, 0, 0, 2, 0, 1e30].map(Math.fround));
    const dx = runBackward(k, 'relu', Float32Array.of(0, 0, 0, 0, 1, 2.5), Float32Array.of(5, -3, 1, 7, 4, -6));
    expect(Array.from(dx).map((v) => v + 0)).toEqual([0, 0, 0, 0, 4, -6]);
  });

  it('sigmoid(0) = 1/2 and sigmoid\'(0) = 1/4; tanh(0) = 0 and tanh\'(0) = 1; both saturate without NaN', () => {
    const x = Float32Array.of(0, 100, -100, 30, -30, 1e-30);
    const s = runForward(k, 'sigmoid', x);
    expect(s[0]).toBe(0.5);
    expect(s[1]).toBe(1);
    expect(s[2]).toBeGreaterThanOrEqual(0);
    expect(s[2]).toBeLessThan(1e-40); // e^-100 ≈ 3.7e-44, a float32 subnormal
    expect(s[5]).toBe(0.5);
    const t = runForward(k, 'tanh', x);
    expect(Array.from(t.subarray(0, 5))).toEqual([0, 1, -1, 1, -1]);
    expect(t[5]).toBe(Math.fround(1e-30)); // tanh x = x - x³/3 + …: x itself at float32 precision
    expect(Array.from(runBackward(k, 'sigmoid', Float32Array.of(0.5, 0.5, 1, 0), Float32Array.of(1, -8, 3, 3)))).toEqual([0.25, -2, 0, 0]);
    expect(Array.from(runBackward(k, 'tanh', Float32Array.of(0, 0.5, 1, -1), Float32Array.of(3, 4, 5, 5)))).toEqual([3, 3, 0, 0]);
  });

  it('leakyRelu: α·x below 0 and x above; backward α·dy where y ≤ 0 (the left derivative at 0)', () => {
    expect(Array.from(runForward(k, 'leakyRelu', Float32Array.of(-4, -0, 0, 2, -1e30), false, 0.25))).toEqual([-1, -0, 0, 2, Math.fround(-2.5e29)]);
    expect(Array.from(runBackward(k, 'leakyRelu', Float32Array.of(-1, 0, 2, 1e-30), Float32Array.of(4, 4, 4, -8), false, 0.25))).toEqual([1, 1, 4, -8]);
  });

  it('elu and selu: 0 at 0, -α and -λ·a far below 0, slope 1 and λ above; backward y + α below 0', () => {
    const x = Float32Array.of(0, -100, 2, -Math.LN2);
    expect(Array.from(runForward(k, 'elu', x, false, 0.5))).toEqual([0, -0.5, 2, -0.25]); // 0.5·(e^-ln2 - 1) = -1/4
    const selu = runForward(k, 'selu', x);
    expect(selu[0]).toBe(0);
    expect(selu[1]).toBeCloseTo(-SELU_SCALE_ALPHA, 6);
    expect(selu[2]).toBeCloseTo(2 * SELU_SCALE, 6);
    expect(Array.from(runBackward(k, 'elu', Float32Array.of(-0.25, -0.5, 2), Float32Array.of(4, 4, 4), false, 0.5))).toEqual([1, 0, 4]);
    const dselu = runBackward(k, 'selu', Float32Array.of(1, 0, -SELU_SCALE_ALPHA), Float32Array.of(1, 1, 1));
    expect(dselu[0]).toBeCloseTo(SELU_SCALE, 6);
    expect(dselu[1]).toBeCloseTo(SELU_SCALE_ALPHA, 6); // the left derivative at 0: λ·a
    expect(Math.abs(dselu[2])).toBeLessThan(1e-6);
  });

  it('gelu: x·Φ(x), with Φ(±1) and Φ(-3) from the normal table; gelu\'(0) = 1/2', () => {
    // Φ(1) = 0.8413447460685429, Φ(-3) = 0.0013498980316300946 (Keras: gelu([-1, 0, 1]) = [-0.15865525, 0, 0.84134475])
    const y = runForward(k, 'gelu', Float32Array.of(-1, 0, 1, -3, 40, -40));
    expect(y[0]).toBeCloseTo(-0.15865525393145707, 7);
    expect(y[1]).toBe(0);
    expect(y[2]).toBeCloseTo(0.8413447460685429, 7);
    expect(y[3] / (-3 * 0.0013498980316300946)).toBeCloseTo(1, 6);
    expect(y[4]).toBe(40);
    expect(y[5] + 0).toBe(0); // -40·Φ(-40) ≈ -1e-348: below every float32
    const dx = runBackward(k, 'gelu', Float32Array.of(0, 1, -1), Float32Array.of(1, 1, 1));
    expect(dx[0]).toBe(0.5);
    expect(dx[1]).toBeCloseTo(0.8413447460685429 + 0.24197072451914337, 6); // Φ(1) + 1·φ(1)
    expect(dx[2]).toBeCloseTo(0.15865525393145707 - 0.24197072451914337, 6);
  });

  it('softplus: ln 2 at 0, x far above 0, e^x far below, no overflow; backward σ(x) = 1 - e^-y', () => {
    const y = runForward(k, 'softplus', Float32Array.of(0, 100, -100, 1e30, -20));
    expect(y[0]).toBeCloseTo(Math.LN2, 7);
    expect(y[1]).toBe(100);
    expect(y[2]).toBeGreaterThan(0);
    expect(y[2]).toBeLessThan(1e-40); // e^-100 ≈ 3.7e-44, a float32 subnormal
    expect(y[3]).toBe(Math.fround(1e30));
    expect(y[4] / Math.exp(-20)).toBeCloseTo(1, 6);
    const dx = runBackward(k, 'softplus', Float32Array.of(Math.LN2, 100, 0), Float32Array.of(2, 3, 5));
    expect(dx[0]).toBeCloseTo(1, 6); // 2·σ(0)
    expect(Array.from(dx.subarray(1))).toEqual([3, 0]);
  });

  it('swish: x·σ(x), 0 at 0, x far above 0, -0 far below; swish\'(0) = 1/2', () => {
    const y = runForward(k, 'swish', Float32Array.of(0, 100, -200, 2));
    expect(Array.from(y.subarray(0, 3)).map((v) => v + 0)).toEqual([0, 100, 0]);
    expect(y[3]).toBeCloseTo(2 / (1 + Math.exp(-2)), 6);
    const dx = runBackward(k, 'swish', Float32Array.of(0, 100, -200, 2), Float32Array.of(1, 1, 1, 1));
    expect(dx[0]).toBe(0.5);
    expect(dx[1]).toBe(1);
    expect(dx[2] + 0).toBe(0);
    const s = 1 / (1 + Math.exp(-2));
    expect(dx[3]).toBeCloseTo(s * (1 + 2 * (1 - s)), 6);
  });

  it('activationBackward without the storage its kind reads is a ValueError (gelu, swish read x; the others y)', () => {
    const a = k.alloc(4), b = k.alloc(4);
    try {
      expect(() => k.activationBackward('gelu', null, a, a, b, 4, 0)).toThrow(ValueError);
      expect(() => k.activationBackward('swish', null, a, a, b, 4, 0)).toThrow(/swish's derivative is computed from the forward input x, got null/);
      expect(() => k.activationBackward('elu', a, null, a, b, 4, 1)).toThrow(/elu's derivative is computed from the forward output y, got null/);
    } finally {
      k.free(a);
      k.free(b);
    }
  });

  it('softmax of [0, ln 2] is [1/3, 2/3]; equal logits give 1/n; a single column gives 1', () => {
    const y = runSoftmax(k, Float32Array.of(0, Math.LN2), 1, 2);
    expect(y[0]).toBeCloseTo(1 / 3, 7);
    expect(y[1]).toBeCloseTo(2 / 3, 7);
    const uniform = runSoftmax(k, new Float32Array(2 * 7).fill(-4.25), 2, 7);
    for (const v of uniform) expect(v).toBeCloseTo(1 / 7, 7);
    expect(Array.from(runSoftmax(k, Float32Array.of(-80, 3, 1e4), 3, 1))).toEqual([1, 1, 1]);
  });

  it('cross-entropy of uniform logits over n classes is ln n per row, with grad gradScale·(1/n - t)', () => {
    for (const n of [1, 2, 3, 5, 10, 37]) {
      for (const encoding of ['onehot', 'sparse'] as const) {
        const m = 3, labels = [0, n - 1, Math.floor(n / 2)];
        const c: CrossEntropyCase = {
          m, n, encoding, gradScale: 0.5,
          logits: new Float32Array(m * n).fill(2.75),
          targets: encoding === 'sparse' ? Float32Array.from(labels) : oneHot(labels, n),
        };
        const { loss, grad } = runCrossEntropy(k, c);
        expect(loss).toBeCloseTo(m * Math.log(n), 5);
        const t = oneHot(labels, n);
        assertClose(`grad n=${n} ${encoding}`, grad, t.map((ti) => 0.5 * (1 / n - ti)), () => 1e-7);
      }
    }
  });

  it('cross-entropy with probability targets: Σ_j t_j·(logsumexp(z) - z_j) and grad p·Σt - t', () => {
    // z = [0, ln 3]: p = [1/4, 3/4], logsumexp = ln 4; t = [0.5, 1.5] (Σt = 2).
    const c: CrossEntropyCase = { m: 1, n: 2, encoding: 'onehot', gradScale: 1, logits: Float32Array.of(0, Math.log(3)), targets: Float32Array.of(0.5, 1.5) };
    const { loss, grad } = runCrossEntropy(k, c);
    expect(loss).toBeCloseTo(0.5 * Math.log(4) + 1.5 * (Math.log(4) - Math.log(3)), 6);
    expect(grad[0]).toBeCloseTo(0.25 * 2 - 0.5, 6);
    expect(grad[1]).toBeCloseTo(0.75 * 2 - 1.5, 6);
  });
});

// ---- extreme logits ----------------------------------------------------------------------

describe.each(allBackends)('softmaxCrossEntropy at logits of ±1e4 on $label', ({ kernels: k }) => {
  for (const encoding of ['onehot', 'sparse'] as const) {
    it(`${encoding}: finite loss and gradient, gradient rows sum to ~0 for one-hot targets`, () => {
      // gradScale 1: the row sums are then compared with float32 resolution itself.
      const arb = crossEntropyCase(encoding, 1e4, true).map((c) => ({ ...c, gradScale: 1 }));
      fc.assert(fc.property(arb, (c) => {
        const { loss, grad } = runCrossEntropy(k, c);
        expect(Number.isFinite(loss)).toBe(true);
        expect(loss).toBeGreaterThanOrEqual(0);
        for (let i = 0; i < c.m; i++) {
          let sum = 0;
          for (let j = 0; j < c.n; j++) {
            const g = grad[i * c.n + j];
            expect(Number.isFinite(g)).toBe(true);
            sum += g;
          }
          // Σ_j (p_j - t_j) = Σp - 1 = 0 up to the rounding of the n probabilities.
          expect(Math.abs(sum), `row ${i}`).toBeLessThanOrEqual((c.n + 4) * 2 * U);
        }
      }), { seed: 42, numRuns: 40 });
    });
  }
});

// ---- empty sizes ---------------------------------------------------------------------------

describe.each(allBackends)('empty sizes are no-ops on $label', ({ kernels: k }) => {
  it('n = 0 and m = 0 leave every buffer untouched (the guard floats would show a write)', () => {
    const none = new Float32Array(0);
    for (const [m, n] of [[0, 0], [0, 5], [3, 0]]) {
      expect(runBiasAdd(k, none, new Float32Array(n), m, n)).toEqual(none);
      expect(runSoftmax(k, none, m, n)).toEqual(none);
      // columnSums over zero rows: out unchanged when accumulating, the empty sum 0 otherwise.
      expect(Array.from(runColumnSums(k, none, new Float32Array(n).fill(4), m, n, true))).toEqual(new Array(n).fill(4));
      expect(Array.from(runColumnSums(k, none, new Float32Array(n).fill(4), m, n, false))).toEqual(new Array(n).fill(0));
    }
    for (const [m, n, encoding] of [[0, 0, 'onehot'], [0, 5, 'onehot'], [0, 5, 'sparse'], [3, 0, 'onehot']] as const) {
      const c: CrossEntropyCase = { m, n, encoding, gradScale: 1, logits: none, targets: none };
      expect(runCrossEntropy(k, c)).toEqual({ loss: 0, grad: none });
    }
    for (const kind of ACTIVATION_KINDS) {
      expect(runForward(k, kind, none)).toEqual(none);
      expect(runBackward(k, kind, none, none)).toEqual(none);
    }
    expect(runScale(k, none, 3)).toEqual(none);
    expect(runAdd(k, none, none)).toEqual(none);
    expect(runAxpy(k, 3, none, none)).toEqual(none);
    expect(runFill(k, none, 3)).toEqual(none);
    expect(runCopy(k, none, none)).toEqual(none);
  });
});
